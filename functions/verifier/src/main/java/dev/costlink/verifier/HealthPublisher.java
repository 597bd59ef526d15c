package dev.costlink.verifier;

/** Sends a health event to the ops team (the vendor stack's SNS topic); throws when it was not accepted. */
public interface HealthPublisher {
    void publish(HealthEvent event);
}
