package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlink.common.RegistrySchema.Connections;
import dev.costlink.common.RegistrySchema.Facts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryOwnerTest {
    static final String ROLE_KEY = Connections.key("111122223333", "arn:aws:iam::111122223333:role/CostLink-ReadAccess");
    static final String STACK_ID = EventShapeTest.STACK_ID;

    /** An ACTIVE CUR 2.0 connection with a carbon export, as the registry stores a connection.created. */
    static StoredConnection connection(String key, String status, String curVersion) {
        Map<String, Object> prefixes = new LinkedHashMap<>();
        prefixes.put(Facts.CUR_PREFIX, curVersion.equals("CUR1") ? "reports/cur1" : "reports/cur2");
        prefixes.put(Facts.CARBON_PREFIX, "reports/carbon-footprint");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("roleArn", "arn:aws:iam::111122223333:role/CostLink-ReadAccess");
        facts.put(Facts.BUCKET, "acme-costlink-cur");
        facts.put(Facts.CUR_VERSION, curVersion);
        facts.put(Facts.EXPORT_NAME, "CostLink-Export");
        facts.put(Facts.CARBON_EXPORT_NAME, "CostLink-Carbon");
        facts.put(Facts.FOCUS_EXPORT_NAME, "CostLink-FOCUS");
        prefixes.put(Facts.FOCUS_PREFIX, "reports/focus");
        facts.put(Facts.PREFIXES, prefixes);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(Connections.CONNECTION, key);
        item.put(Connections.STATUS, status);
        item.put(Connections.STACK_ID, STACK_ID);
        item.put(Connections.FACTS, facts);
        return new StoredConnection(key, item);
    }

    static Map<String, Object> delivery(String kind, String name, String manifestKey) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind);
        d.put("bucket", "acme-costlink-cur");
        d.put(EventShape.nameField(kind), name);
        d.put("manifestKey", manifestKey);
        return d;
    }

    static final String CUR2_KEY = "reports/cur2/CostLink-Export/metadata/BILLING_PERIOD=2026-05/CostLink-Export-Manifest.json";
    static final String CUR1_KEY = "reports/cur1/CostLink-Export/20260501-20260601/CostLink-Export-Manifest.json";
    static final String FOCUS_KEY = "reports/focus/CostLink-FOCUS/metadata/billing_period=2026-05/"
            + "CostLink-FOCUS-Manifest.json";
    static final String CARBON_KEY = "reports/carbon-footprint/CostLink-Carbon/metadata/usage_period=2026-05/"
            + "CostLink-Carbon-Manifest.json";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> facts(StoredConnection c) {
        return (Map<String, Object>) c.attributes().get(Connections.FACTS);
    }

    private static Optional<DeliveryOwner.Match> find(Map<String, Object> d, StoredConnection... cs) {
        return DeliveryOwner.find(d, STACK_ID, Arrays.asList(cs));
    }

    @Test
    void aCur2DeliveryBelongsToTheActiveConnectionNamingItsBucketAndExport() {
        DeliveryOwner.Match m = find(delivery("CUR2", "CostLink-Export", CUR2_KEY),
                connection(ROLE_KEY, "ACTIVE", "CUR2")).orElseThrow();
        assertEquals(ROLE_KEY, m.connectionKey());
        assertEquals(List.of(
                new DeliveryOwner.Reliance(List.of(Connections.STATUS), "ACTIVE"),
                new DeliveryOwner.Reliance(List.of(Connections.STACK_ID), STACK_ID),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.BUCKET), "acme-costlink-cur"),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.CUR_VERSION), "CUR2"),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.EXPORT_NAME), "CostLink-Export"),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.PREFIXES, Facts.CUR_PREFIX), "reports/cur2")),
                m.reliances());
    }

    @Test
    void aCur1ReportAndACarbonExportToo() {
        assertTrue(find(delivery("CUR1", "CostLink-Export", CUR1_KEY), connection(ROLE_KEY, "ACTIVE", "CUR1")).isPresent());
        DeliveryOwner.Match carbon = find(delivery("CARBON", "CostLink-Carbon", CARBON_KEY),
                connection(ROLE_KEY, "ACTIVE", "CUR2")).orElseThrow();
        assertEquals(new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.CARBON_EXPORT_NAME), "CostLink-Carbon"),
                carbon.reliances().get(3));
    }

    @Test
    void aFocusExportBelongsToTheConnectionNamingItUnderItsFocusPrefix() {
        StoredConnection c = connection(ROLE_KEY, "ACTIVE", "CUR1");
        DeliveryOwner.Match m = find(delivery("FOCUS", "CostLink-FOCUS", FOCUS_KEY), c).orElseThrow();
        assertEquals(List.of(
                new DeliveryOwner.Reliance(List.of(Connections.STATUS), "ACTIVE"),
                new DeliveryOwner.Reliance(List.of(Connections.STACK_ID), STACK_ID),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.BUCKET), "acme-costlink-cur"),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.FOCUS_EXPORT_NAME), "CostLink-FOCUS"),
                new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.PREFIXES, Facts.FOCUS_PREFIX),
                        "reports/focus")),
                m.reliances(), "FOCUS does not depend on the CUR version");
        assertTrue(find(delivery("FOCUS", "CostLink-Export", FOCUS_KEY.replace("CostLink-FOCUS", "CostLink-Export")), c)
                .isEmpty(), "the CUR export's name is not the FOCUS export's");
        assertTrue(find(delivery("FOCUS", "CostLink-FOCUS", FOCUS_KEY.replace("reports/focus/", "reports/cur2/")), c)
                .isEmpty(), "outside the FOCUS prefix");
        facts(c).remove(Facts.FOCUS_EXPORT_NAME);
        assertTrue(find(delivery("FOCUS", "CostLink-FOCUS", FOCUS_KEY), c).isEmpty(), "a connection without FOCUS");
    }

    @Test
    void aRevokedConnectionOwnsNothing() {
        assertTrue(find(delivery("CUR2", "CostLink-Export", CUR2_KEY), connection(ROLE_KEY, "REVOKED", "CUR2")).isEmpty());
    }

    @Test
    void anotherBucketExportVersionOrPrefixIsNotTheConnections() {
        StoredConnection c = connection(ROLE_KEY, "ACTIVE", "CUR2");
        Map<String, Object> otherBucket = delivery("CUR2", "CostLink-Export", CUR2_KEY);
        otherBucket.put("bucket", "someone-elses-bucket");
        assertTrue(find(otherBucket, c).isEmpty());
        assertTrue(find(delivery("CUR2", "Other-Export", CUR2_KEY.replace("CostLink-Export", "Other-Export")), c).isEmpty());
        assertTrue(find(delivery("CUR1", "CostLink-Export", CUR1_KEY.replace("cur1", "cur2")), c).isEmpty(),
                "a CUR 1.0 report of a CUR 2.0 connection");
        assertTrue(find(delivery("CUR2", "CostLink-Export", "elsewhere/" + CUR2_KEY), c).isEmpty());
        assertTrue(find(delivery("CUR2", "CostLink-Export", CUR2_KEY.replace("reports/cur2/", "reports/cur2x/")), c)
                .isEmpty(), "a prefix is a folder, not a string prefix");
        assertTrue(find(delivery("CARBON", "CostLink-Export", CARBON_KEY), c).isEmpty(),
                "the CUR export's name is not the carbon export's");
    }

    @Test
    void aLinkedAccountConnectionHasNoBucket() {
        StoredConnection linked = connection(ROLE_KEY, "ACTIVE", "CUR2");
        facts(linked).clear();
        assertTrue(find(delivery("CUR2", "CostLink-Export", CUR2_KEY), linked).isEmpty());
    }

    @Test
    void withoutARecordedPrefixAnyKeyOfTheBucketWillDo() {
        StoredConnection c = connection(ROLE_KEY, "ACTIVE", "CUR2");
        facts(c).remove(Facts.PREFIXES);
        DeliveryOwner.Match m = find(delivery("CUR2", "CostLink-Export", "x/" + CUR2_KEY), c).orElseThrow();
        assertEquals(new DeliveryOwner.Reliance(List.of(Connections.FACTS, Facts.PREFIXES, Facts.CUR_PREFIX), null),
                m.reliances().get(5), "its absence is relied on too");
        StoredConnection slash = connection(ROLE_KEY, "ACTIVE", "CUR2");
        ((Map<String, Object>) facts(slash).get(Facts.PREFIXES)).put(Facts.CUR_PREFIX, "reports/cur2/");
        assertTrue(find(delivery("CUR2", "CostLink-Export", CUR2_KEY), slash).isPresent());
    }

    @Test
    void anyActiveConnectionOfTheAccountWillDo() {
        String newRole = Connections.key("111122223333", "arn:aws:iam::111122223333:role/CostLink-ReadAccess-2");
        List<StoredConnection> cs = new ArrayList<>();
        cs.add(connection(ROLE_KEY, "REVOKED", "CUR2"));
        cs.add(connection(newRole, "ACTIVE", "CUR2"));
        assertEquals(newRole, DeliveryOwner.find(delivery("CUR2", "CostLink-Export", CUR2_KEY), STACK_ID, cs)
                .orElseThrow().connectionKey());
    }

    @Test
    void aConnectionRegisteredByAnotherStackOwnsNothing() {
        String otherStack = STACK_ID.replace("5b5a3e10", "6c6b4f21");
        assertTrue(DeliveryOwner.find(delivery("CUR2", "CostLink-Export", CUR2_KEY), otherStack,
                List.of(connection(ROLE_KEY, "ACTIVE", "CUR2"))).isEmpty());
    }

    @Test
    void aPendingConnectionOwnsNothingYet() {
        assertTrue(find(delivery("CUR2", "CostLink-Export", CUR2_KEY), connection(ROLE_KEY, "PENDING", "CUR2")).isEmpty());
    }
}
