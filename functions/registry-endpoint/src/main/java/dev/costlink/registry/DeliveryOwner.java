package dev.costlink.registry;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which connection a delivery belongs to (docs/callback-contract.md, "What the registry checks"): an ACTIVE connection
 * of the same tenant and account whose recorded facts name the delivery's bucket and export (CUR 2.0 export, CUR 1.0
 * report or carbon export) and, when they record a report prefix, whose prefix holds the manifest.
 */
final class DeliveryOwner {
    /** One attribute of the connection item the decision read, and the value it had (null: absent). */
    record Reliance(List<String> path, String value) {}

    /** The connection a delivery belongs to, and every attribute that made it so (re-checked when recording). */
    record Match(String connectionKey, List<Reliance> reliances) {}

    private DeliveryOwner() {}

    /** {@code delivery} is the shape-checked event's delivery object. */
    static Optional<Match> find(Map<?, ?> delivery, List<StoredConnection> candidates) {
        for (StoredConnection candidate : candidates) {
            Match match = match(delivery, candidate);
            if (match != null) {
                return Optional.of(match);
            }
        }
        return Optional.empty();
    }

    private static Match match(Map<?, ?> d, StoredConnection c) {
        String kind = (String) d.get("kind");
        String name = (String) d.get(EventShape.nameField(kind));
        List<Reliance> relied = new ArrayList<>();
        boolean owns = holds(c, List.of(Connections.STATUS), Connections.ACTIVE, relied)
                && holds(c, List.of(Connections.FACTS, Facts.BUCKET), (String) d.get("bucket"), relied)
                && (kind.equals("CARBON")
                    ? holds(c, List.of(Connections.FACTS, Facts.CARBON_EXPORT_NAME), name, relied)
                    : holds(c, List.of(Connections.FACTS, Facts.CUR_VERSION), kind, relied)
                        && holds(c, List.of(Connections.FACTS, Facts.EXPORT_NAME), name, relied));
        if (!owns) {
            return null;
        }
        List<String> prefixPath = List.of(Connections.FACTS, Facts.PREFIXES,
                kind.equals("CARBON") ? Facts.CARBON_PREFIX : Facts.CUR_PREFIX);
        String prefix = c.text(prefixPath);
        relied.add(new Reliance(prefixPath, prefix));
        return holdsManifest(prefix, (String) d.get("manifestKey")) ? new Match(c.key(), List.copyOf(relied)) : null;
    }

    private static boolean holds(StoredConnection c, List<String> path, String expected, List<Reliance> relied) {
        if (!expected.equals(c.text(path))) {
            return false;
        }
        relied.add(new Reliance(path, expected));
        return true;
    }

    /** A recorded prefix must hold the manifest; none (or the bucket's root) holds every key. */
    private static boolean holdsManifest(String prefix, String manifestKey) {
        if (prefix == null) {
            return true;
        }
        String folder = prefix;
        while (folder.endsWith("/")) {
            folder = folder.substring(0, folder.length() - 1);
        }
        return folder.isEmpty() || manifestKey.startsWith(folder + "/");
    }
}
