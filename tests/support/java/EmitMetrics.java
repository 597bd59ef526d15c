import dev.costlink.common.JsonLog;
import dev.costlink.common.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Emits metrics through the functions' own writer, dev.costlink.common.Metrics, for tests/test_metrics_emission.py.
 * Each argument is one emission: "Dim1=value1,Dim2=value2|Metric1,Metric2" (either side may be empty). A refused
 * emission (an undeclared metric or dimension) ends the program with exit code 3.
 */
public final class EmitMetrics {
    public static void main(String[] args) {
        Metrics metrics = new Metrics(new JsonLog("emit-metrics"));
        for (String arg : args) {
            String[] sides = arg.split("\\|", -1);
            Map<String, String> dimensions = new LinkedHashMap<>();
            for (String pair : sides[0].split(",")) {
                if (!pair.isEmpty()) {
                    String[] kv = pair.split("=", 2);
                    dimensions.put(kv[0], kv[1]);
                }
            }
            Map<String, Number> values = new LinkedHashMap<>();
            int n = 1;
            for (String name : sides[1].split(",")) {
                if (!name.isEmpty()) {
                    values.put(name, n++ * 1.5);
                }
            }
            try {
                metrics.emit(dimensions, values);
            } catch (IllegalArgumentException refused) {
                System.err.println("refused: " + refused.getMessage());
                System.exit(3);
            }
        }
    }
}
