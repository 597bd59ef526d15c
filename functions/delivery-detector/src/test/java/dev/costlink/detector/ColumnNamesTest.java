package dev.costlink.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ColumnNamesTest {
    @ParameterizedTest
    @CsvSource({
        "lineItem/UsageAccountId, line_item_usage_account_id",
        "identity/LineItemId, identity_line_item_id",
        "bill/BillingPeriodStartDate, bill_billing_period_start_date",
        "resourceTags/user:Name, resource_tags_user_name",
        "resourceTags/user:cost-center, resource_tags_user_cost_center",
        "resourceTags/aws:createdBy, resource_tags_aws_created_by",
        "savingsPlan/SavingsPlanARN, savings_plan_savings_plan_a_r_n",
        "reservation/ReservationARN, reservation_reservation_a_r_n",
        "product/intelAvx2Available, product_intel_avx2_available",
        "product/vcpu, product_vcpu",
        "costCategory/Business Unit, cost_category_business_unit",
        "BilledCost, billed_cost",
        "x_CostCategories, x_cost_categories",
        "line_item_usage_account_id, line_item_usage_account_id",
        "savings_plan_savings_plan_a_r_n, savings_plan_savings_plan_a_r_n",
        "_odd__name_, odd_name",
    })
    void physicalNames(String name, String physical) {
        assertEquals(physical, ColumnNames.physical(name));
        assertEquals(physical, ColumnNames.physical(physical), "idempotent");
    }

    @Test
    void aCur1ManifestColumnInEitherSpelling() {
        assertEquals(Set.of("line_item_usage_account_id"), ColumnNames.ofCategory("lineItem", "UsageAccountId"));
        assertEquals(List.of("line_item_usage_account_id", "line_item_line_item_usage_account_id"),
                List.copyOf(ColumnNames.ofCategory("lineItem", "line_item_usage_account_id")));
        // A cost category named cost_category_team in AWS's spelling is cost_category_cost_category_team in the file.
        assertEquals(List.of("cost_category_team", "cost_category_cost_category_team"),
                List.copyOf(ColumnNames.ofCategory("costCategory", "cost_category_team")));
    }
}
