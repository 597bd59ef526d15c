package dev.costlink.detector;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Column names as the files spell them. CUR 1.0 manifests document a column as {@code {category, name}}
 * ({@code lineItem}/{@code UsageAccountId}) but some carry the name already as the file's column
 * ({@code line_item_usage_account_id}); CUR 1.0 Parquet and Athena write {@code category/name} through the rules of
 * the CUR user guide ("Column names" for Athena): an underscore before each uppercase letter, lowercase, every other
 * non-alphanumeric character an underscore, runs of underscores collapsed, none leading or trailing. So
 * {@code savingsPlan/SavingsPlanARN} is {@code savings_plan_savings_plan_a_r_n} and {@code resourceTags/user:Name} is
 * {@code resource_tags_user_name}. Applied to every name on both sides, a difference in spelling alone never fails a
 * delivery.
 */
final class ColumnNames {
    private ColumnNames() {}

    /** The physical spelling of {@code name}; a name already physical is returned unchanged. */
    static String physical(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                underscore(out);
                out.append((char) (c + ('a' - 'A')));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                underscore(out);
            }
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == '_') {
            end--;
        }
        return out.substring(0, end);
    }

    private static void underscore(StringBuilder out) {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '_') {
            out.append('_');
        }
    }

    /**
     * The physical names a CUR 1.0 manifest column may stand for, the likelier first: {@code name} itself when it is
     * already a physical name of that category (a manifest in the file's spelling), and {@code category/name}
     * converted. Both, because a user-named cost category or tag can look physical in either reading.
     */
    static Set<String> ofCategory(String category, String name) {
        Set<String> names = new LinkedHashSet<>();
        if (physical(name).equals(name) && name.startsWith(physical(category) + "_")) {
            names.add(name);
        }
        names.add(physical(category + "/" + name));
        return names;
    }
}
