package dev.costlink.detector;

/** The three deliveries the detector knows. */
public enum DeliveryKind { CUR2, CUR1, CARBON }
