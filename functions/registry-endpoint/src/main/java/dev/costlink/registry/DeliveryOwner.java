package dev.costlink.registry;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which connection a delivery belongs to (docs/callback-contract.md, "What the registry checks"): an ACTIVE connection
 * of the account registered by the delivery's own stack (the stack whose detector role signed it) whose recorded facts
 * name the delivery's bucket and export (CUR 2.0 export, CUR 1.0
 * report, carbon or FOCUS export) and, when they record a report prefix for that kind, whose prefix holds the manifest.
 */
final class DeliveryOwner {
    /** One attribute of the connection item the decision read, and the value it had (null: absent). */
    record Reliance(List<String> path, String value) {}

    /** The connection a delivery belongs to, and every attribute that made it so (re-checked when recording). */
    record Match(String connectionKey, List<Reliance> reliances) {}

    private DeliveryOwner() {}

    /** {@code delivery} is the shape-checked event's delivery object, {@code stackId} the event's stack. */
    static Optional<Match> find(Map<?, ?> delivery, String stackId, List<StoredConnection> candidates) {
        for (StoredConnection candidate : candidates) {
            Match match = match(delivery, stackId, candidate);
            if (match != null) {
                return Optional.of(match);
            }
        }
        return Optional.empty();
    }

    /**
     * What a connection's facts must say to own a delivery of one kind: the fact naming that export, the CUR version
     * when the kind is a CUR (a CUR 1.0 report is not a CUR 2.0 connection's), and the prefix that must hold it.
     */
    private record KindRule(String exportNameFact, boolean curVersionIsKind, String prefixFact) {}

    private static final Map<String, KindRule> RULES = Map.of(
            "CUR2", new KindRule(Facts.EXPORT_NAME, true, Facts.CUR_PREFIX),
            "CUR1", new KindRule(Facts.EXPORT_NAME, true, Facts.CUR_PREFIX),
            "CARBON", new KindRule(Facts.CARBON_EXPORT_NAME, false, Facts.CARBON_PREFIX),
            "FOCUS", new KindRule(Facts.FOCUS_EXPORT_NAME, false, Facts.FOCUS_PREFIX));

    private static Match match(Map<?, ?> d, String stackId, StoredConnection c) {
        String kind = (String) d.get("kind");
        KindRule rule = RULES.get(kind);
        String name = (String) d.get(EventShape.nameField(kind));
        List<Reliance> relied = new ArrayList<>();
        boolean owns = holds(c, List.of(Connections.STATUS), Connections.ACTIVE, relied)
                && holds(c, List.of(Connections.STACK_ID), stackId, relied)
                && holds(c, List.of(Connections.FACTS, Facts.BUCKET), (String) d.get("bucket"), relied)
                && (!rule.curVersionIsKind() || holds(c, List.of(Connections.FACTS, Facts.CUR_VERSION), kind, relied))
                && holds(c, List.of(Connections.FACTS, rule.exportNameFact()), name, relied);
        if (!owns) {
            return null;
        }
        List<String> prefixPath = List.of(Connections.FACTS, Facts.PREFIXES, rule.prefixFact());
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
