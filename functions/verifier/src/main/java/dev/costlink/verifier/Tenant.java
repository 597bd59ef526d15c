package dev.costlink.verifier;

/** A tenant as the verifier needs it: its registry key (the ExternalId's SHA-256), its name and its ExternalId. */
public record Tenant(String id, String name, String externalId) {
    /** Never prints the ExternalId. */
    @Override
    public String toString() {
        return "Tenant[" + id + "]";
    }
}
