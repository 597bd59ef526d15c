package dev.costlink.detector;

/**
 * The deliveries the detector knows: CUR 2.0 and FOCUS (Data Exports tables COST_AND_USAGE_REPORT and
 * FOCUS_1_0_AWS / FOCUS_1_2_AWS, partitioned by billing period), legacy CUR 1.0, and carbon emissions.
 */
public enum DeliveryKind { CUR2, CUR1, CARBON, FOCUS }
