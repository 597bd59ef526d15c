package dev.costlink.verifier;

/** One verification of one connection: what was checked, how it went, and in plain words why and what to do. */
public record Check(String name, Result result, String detail) {
    public enum Result { PASS, WARN, FAIL }

    public static Check pass(String name, String detail) {
        return new Check(name, Result.PASS, detail);
    }

    public static Check warn(String name, String detail) {
        return new Check(name, Result.WARN, detail);
    }

    public static Check fail(String name, String detail) {
        return new Check(name, Result.FAIL, detail);
    }
}
