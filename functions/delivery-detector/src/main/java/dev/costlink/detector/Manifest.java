package dev.costlink.detector;

import dev.costlink.common.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a manifest promises: the data files (as listed, unchecked), the column names, and the run it describes.
 * CUR 2.0 and carbon manifests list {@code dataFiles} as s3:// URIs and {@code columns} as {name, type};
 * CUR 1.0 manifests list bucket-relative {@code reportKeys} and {@code columns} as {category, name, type}, and declare
 * the files' format ({@code contentType}, {@code compression}).
 */
public record Manifest(List<String> entries, List<Column> columns, String runId, String exportArn, String bucket,
                       DeliveryFormat.Declared declared) {

    /** A listed column: the physical names it may have in a file (ColumnNames), the likelier first. */
    public record Column(Set<String> physical) {
        public String name() {
            return physical.iterator().next();
        }
    }

    public static Manifest parse(DeliveryKind kind, byte[] bytes) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(bytes);
        } catch (IllegalArgumentException e) {
            // Never the parser's message: it quotes the manifest's text, and problems travel to the vendor.
            throw new IllegalArgumentException("manifest is not valid JSON (or not a JSON object)");
        }
        String listField = kind == DeliveryKind.CUR1 ? "reportKeys" : "dataFiles";
        if (!(m.get(listField) instanceof List<?> list)) {
            throw new IllegalArgumentException("manifest has no " + listField + " list");
        }
        List<String> entries = new ArrayList<>();
        for (Object o : list) {
            // Not the value itself: what is refused is never quoted.
            entries.add(o instanceof String s ? s : "(entry " + (entries.size() + 1) + " is not a string)");
        }
        List<Column> columns = new ArrayList<>();
        if (m.get("columns") instanceof List<?> cols) {
            for (Object c : cols) {
                if (c instanceof Map<?, ?> col && col.get("name") instanceof String name && !name.isBlank()) {
                    columns.add(new Column(col.get("category") instanceof String category && !category.isBlank()
                            ? ColumnNames.ofCategory(category, name) : Set.of(ColumnNames.physical(name))));
                }
            }
        }
        String runId = string(m.get(kind == DeliveryKind.CUR1 ? "assemblyId" : "executionId"));
        return new Manifest(List.copyOf(entries), List.copyOf(columns), runId, string(m.get("exportArn")),
                string(m.get("bucket")), DeliveryFormat.declared(string(m.get("contentType")),
                string(m.get("compression"))));
    }

    /**
     * The Data Exports table the columns come from, when they tell: FOCUS (1.0 and 1.2 both require BilledCost and
     * ChargePeriodStart) or CUR 2.0 (line_item_* columns); null otherwise.
     */
    public DeliveryKind listedKind() {
        Set<String> names = new HashSet<>();
        columns.forEach(c -> names.addAll(c.physical()));
        if (names.contains("billed_cost") && names.contains("charge_period_start")) {
            return DeliveryKind.FOCUS;
        }
        if (names.stream().anyMatch(n -> n.startsWith("line_item_"))) {
            return DeliveryKind.CUR2;
        }
        return null;
    }

    private static String string(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}
