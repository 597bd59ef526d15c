package dev.costlink.common;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Metrics in CloudWatch's embedded metric format: one JSON log line that CloudWatch Logs turns into metrics, with no
 * API call and no dependency. Every metric and its dimensions are declared once, in {@code metrics.json} beside this
 * class (the vendor stack's alarms and dashboard are built and checked from the same file); emitting anything that
 * file does not declare is a programming error.
 */
public final class Metrics {
    static final int MAX_DIMENSION_VALUE_CHARS = 250;
    private static final Lazy<MetricCatalog> CATALOG = new Lazy<>(MetricCatalog::load);

    private final JsonLog log;
    private final Clock clock;

    public Metrics(JsonLog log) {
        this(log, Clock.systemUTC());
    }

    Metrics(JsonLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** One count with no dimensions. */
    public void count(String metric, long value) {
        emit(Map.of(), Map.of(metric, value));
    }

    /**
     * Emits {@code values} in one line. {@code dimensions} must name exactly the dimension keys the catalogue declares
     * for those metrics (a metric declared with sets {@code [[], ["Status"]]} is emitted both in total and by status).
     */
    public void emit(Map<String, String> dimensions, Map<String, ? extends Number> values) {
        log.emf(line(CATALOG.get(), clock.millis(), dimensions, values));
    }

    static Map<String, Object> line(MetricCatalog catalog, long timestampMillis, Map<String, String> dimensions,
                                    Map<String, ? extends Number> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no metric values to emit");
        }
        Map<List<List<String>>, List<Map<String, String>>> byDimensionSets = new LinkedHashMap<>();
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Number> e : new TreeMap<String, Number>(values).entrySet()) {
            MetricCatalog.Definition def = catalog.definition(e.getKey());
            if (!def.dimensionKeys().equals(dimensions.keySet())) {
                throw new IllegalArgumentException("metric " + e.getKey() + " takes dimensions " + def.dimensionKeys()
                        + ", not " + dimensions.keySet());
            }
            double v = e.getValue().doubleValue();
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("metric " + e.getKey() + " has no finite value");
            }
            byDimensionSets.computeIfAbsent(def.dimensionSets(), k -> new ArrayList<>())
                    .add(Map.of("Name", e.getKey(), "Unit", def.unit()));
            root.put(e.getKey(), e.getValue());
        }
        List<Map<String, Object>> directives = new ArrayList<>();
        byDimensionSets.forEach((sets, metrics) -> {
            Map<String, Object> directive = new LinkedHashMap<>();
            directive.put("Namespace", catalog.namespace());
            directive.put("Dimensions", sets);
            directive.put("Metrics", metrics);
            directives.add(directive);
        });
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", timestampMillis);
        aws.put("CloudWatchMetrics", directives);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("_aws", aws);
        dimensions.forEach((k, v) -> out.put(k, dimensionValue(v)));
        out.putAll(root);
        return out;
    }

    /** Dimension values come from the code's own enums; anything else is made safe rather than refused at runtime. */
    static String dimensionValue(String value) {
        if (value == null) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder();
        value.codePoints().filter(c -> c >= 0x21 && c <= 0x7e).limit(MAX_DIMENSION_VALUE_CHARS).forEach(b::appendCodePoint);
        return b.isEmpty() ? "unknown" : b.toString();
    }

    /** The declared metrics: namespace, and for each metric its unit and dimension sets. */
    record MetricCatalog(String namespace, Map<String, Definition> definitions) {
        record Definition(String unit, List<List<String>> dimensionSets) {
            Set<String> dimensionKeys() {
                Set<String> keys = new TreeSet<>();
                dimensionSets.forEach(keys::addAll);
                return keys;
            }
        }

        Definition definition(String metric) {
            Definition d = definitions.get(metric);
            if (d == null) {
                throw new IllegalArgumentException("metric " + metric + " is not declared in metrics.json");
            }
            return d;
        }

        @SuppressWarnings("unchecked")
        static MetricCatalog load() {
            try (InputStream in = Metrics.class.getResourceAsStream("metrics.json")) {
                if (in == null) {
                    throw new IllegalStateException("metrics.json is missing from the classpath");
                }
                Map<String, Object> doc = Json.parseObject(in.readAllBytes());
                Map<String, Definition> defs = new LinkedHashMap<>();
                ((Map<String, Object>) doc.get("metrics")).forEach((name, raw) -> {
                    Map<String, Object> m = (Map<String, Object>) raw;
                    defs.put(name, new Definition((String) m.get("unit"), (List<List<String>>) m.get("dimensionSets")));
                });
                return new MetricCatalog((String) doc.get("namespace"), defs);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read metrics.json", e);
            }
        }
    }
}
