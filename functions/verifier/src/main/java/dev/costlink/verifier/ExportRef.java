package dev.costlink.verifier;

/** An export (or CUR 1.0 report) the connection stack reported: its name, and its ARN when the stack created it. */
public record ExportRef(String name, String arn) {
    public static final ExportRef NONE = new ExportRef(null, null);

    public boolean isKnown() {
        return name != null || arn != null;
    }

    /** How a check names it: by name when known, else by ARN. */
    public String label() {
        return name != null ? name : arn;
    }
}
