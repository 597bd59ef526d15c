package dev.costlink.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsTest {
    /** CloudWatch's StandardUnit values (botocore cloudwatch service model). */
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Metrics metrics = new Metrics(
            new JsonLog("test", JsonLog.Level.ERROR, new PrintStream(buffer, true, StandardCharsets.UTF_8)),
            Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC));

    @Test
    void emitsOneEmfLineEvenWhenTheLogLevelFiltersEverythingElse() {
        metrics.emit(Map.of("Status", "HEALTHY"), Map.of("ConnectionsChecked", 3));
        String[] lines = buffer.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(1, lines.length);
        Map<String, Object> line = Json.parseObject(lines[0].getBytes(StandardCharsets.UTF_8));
        assertValidEmf(line);
        assertEquals("HEALTHY", line.get("Status"));
        assertEquals(3, ((Number) line.get("ConnectionsChecked")).intValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
        assertEquals(1_700_000_000_123L, ((Number) aws.get("Timestamp")).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> directive = ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).get(0);
        assertEquals("CostLink", directive.get("Namespace"));
        assertEquals(List.of(List.of(), List.of("Status")), directive.get("Dimensions"));
    }

    @Test
    void metricsWithDifferentDimensionSetsGetTheirOwnDirectiveInTheSameLine() {
        Map<String, Object> line = Metrics.line(Metrics.MetricCatalog.load(), 1L, Map.of(),
                Map.of("AssumeRoleFailures", 1, "WorkerErrors", 0));
        assertValidEmf(line);
        @SuppressWarnings("unchecked")
        List<Object> directives = (List<Object>) ((Map<String, Object>) line.get("_aws")).get("CloudWatchMetrics");
        assertEquals(1, directives.size());
    }

    @Test
    void refusesWhatTheCatalogueDoesNotDeclare() {
        assertThrows(IllegalArgumentException.class, () -> metrics.count("NoSuchMetric", 1));
        assertThrows(IllegalArgumentException.class, () -> metrics.count("ConnectionsChecked", 1),
                "ConnectionsChecked is declared by status: a total alone would leave its Status dimension empty");
        assertThrows(IllegalArgumentException.class,
                () -> metrics.emit(Map.of("Status", "OK", "Extra", "x"), Map.of("ConnectionsChecked", 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.line(Metrics.MetricCatalog.load(), 1L, Map.of(), Map.of("WorkerErrors", Double.NaN)));
        assertEquals("", buffer.toString(StandardCharsets.UTF_8), "nothing is written for a refused emission");
    }

    @Test
    void dimensionValuesAreMadeSafe() {
        assertEquals("unknown", Metrics.dimensionValue(null));
        assertEquals("unknown", Metrics.dimensionValue(" \t\u000b"));
        assertEquals("ab", Metrics.dimensionValue("a\tb\u00e9"));
        assertEquals(Metrics.MAX_DIMENSION_VALUE_CHARS, Metrics.dimensionValue("x".repeat(5000)).length());
    }

    @Test
    void theCatalogueFollowsTheEmfAndCloudWatchLimits() {
        Metrics.MetricCatalog catalog = Metrics.MetricCatalog.load();
        assertFalse(catalog.namespace().isBlank());
        assertFalse(catalog.namespace().startsWith("AWS/"));
        assertTrue(catalog.definitions().size() <= 100, "EMF: at most 100 metrics per directive");
        catalog.definitions().forEach((name, def) -> {
            assertTrue(name.length() >= 1 && name.length() <= 255, name);
            assertTrue(UNITS.contains(def.unit()), name + ": " + def.unit());
            assertFalse(def.dimensionSets().isEmpty(), name);
            def.dimensionSets().forEach(set -> assertTrue(set.size() <= 30, name));
        });
    }

    /** The parts of the EMF specification a line must satisfy for CloudWatch to extract its metrics. */
    @SuppressWarnings("unchecked")
    static void assertValidEmf(Map<String, Object> line) {
        Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
        assertTrue(aws.get("Timestamp") instanceof Number);
        List<Map<String, Object>> directives = (List<Map<String, Object>>) aws.get("CloudWatchMetrics");
        assertFalse(directives.isEmpty());
        for (Map<String, Object> d : directives) {
            assertTrue(d.get("Namespace") instanceof String ns && !ns.isEmpty() && ns.length() <= 1024);
            for (List<String> set : (List<List<String>>) d.get("Dimensions")) {
                assertTrue(set.size() <= 30);
                set.forEach(k -> assertTrue(line.get(k) instanceof String v && !v.isEmpty() && v.length() <= 1024, k));
            }
            List<Map<String, Object>> ms = (List<Map<String, Object>>) d.get("Metrics");
            assertTrue(ms.size() <= 100);
            ms.forEach(m -> assertTrue(line.get((String) m.get("Name")) instanceof Number, (String) m.get("Name")));
        }
    }
}
