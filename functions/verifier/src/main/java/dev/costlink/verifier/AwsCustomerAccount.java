package dev.costlink.verifier;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.bcmdataexports.BcmDataExportsClient;
import software.amazon.awssdk.services.bcmdataexports.model.ExecutionReference;
import software.amazon.awssdk.services.bcmdataexports.model.GetExportResponse;
import software.amazon.awssdk.services.bcmdataexports.model.ResourceNotFoundException;
import software.amazon.awssdk.services.costandusagereport.CostAndUsageReportClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** {@link CustomerAccount} through STS AssumeRole (short sessions), and S3, BCM Data Exports and CUR calls made with it. */
public final class AwsCustomerAccount implements CustomerAccount {
    private static final int SESSION_SECONDS = 900;
    private static final Pattern CARBON_MONTH = Pattern.compile("(?i)usage_period=(\\d{4})-(\\d{2})");
    private final Lazy<StsClient> sts = new Lazy<>(() -> AwsClients.configure(StsClient.builder()).build());

    @Override
    public Session assume(String roleArn, String externalId) throws AssumeRoleRefused {
        Credentials creds;
        try {
            creds = sts.get().assumeRole(r -> r.roleArn(roleArn).externalId(externalId)
                    .roleSessionName("costlink-verifier").durationSeconds(SESSION_SECONDS)).credentials();
        } catch (StsException e) {
            if (e.statusCode() == 403 || "AccessDenied".equals(e.awsErrorDetails().errorCode())) {
                throw new AssumeRoleRefused(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            }
            throw e;
        }
        StaticCredentialsProvider session = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken()));
        S3Client s3 = AwsClients.configure(S3Client.builder()).forcePathStyle(AwsClients.emulated())
                .credentialsProvider(session).build();
        BcmDataExportsClient exports = AwsClients.configure(BcmDataExportsClient.builder(), "BCM_DATA_EXPORTS")
                .credentialsProvider(session).build();
        CostAndUsageReportClient reports = AwsClients.configure(CostAndUsageReportClient.builder(),
                "COST_AND_USAGE_REPORT_SERVICE").credentialsProvider(session).build();
        return new RoleSession(s3, exports, reports);
    }

    private record RoleSession(S3Client s3, BcmDataExportsClient exports, CostAndUsageReportClient reports)
            implements Session {
        @Override
        public Optional<Optional<String>> reportStatus(String reportName) {
            for (var page : reports.describeReportDefinitionsPaginator(r -> r.maxResults(5))) {
                for (var d : page.reportDefinitions()) {
                    if (reportName.equals(d.reportName())) {
                        return Optional.of(Optional.ofNullable(
                                d.reportStatus() == null ? null : d.reportStatus().lastStatusAsString()));
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public Optional<ExportState> export(String exportArn, String exportName) {
            String arn = exportArn;
            if (arn == null) {
                arn = exports.listExportsPaginator(r -> r.maxResults(50)).exports().stream()
                        .filter(e -> e.exportName().equals(exportName)).map(e -> e.exportArn()).findFirst().orElse(null);
                if (arn == null) {
                    return Optional.empty();
                }
            }
            GetExportResponse export;
            try {
                String a = arn;
                export = exports.getExport(r -> r.exportArn(a));
            } catch (ResourceNotFoundException e) {
                return Optional.empty();
            }
            String a = arn;
            ExecutionReference latest = exports.listExecutionsPaginator(r -> r.exportArn(a)).executions().stream()
                    .max(Comparator.comparing(x -> x.executionStatus().createdAt())).orElse(null);
            return Optional.of(new ExportState(export.export().name(), export.exportStatus().statusCodeAsString(),
                    export.exportStatus().statusReasonAsString(), export.exportStatus().lastRefreshedAt(),
                    latest == null ? null : latest.executionStatus().statusCodeAsString(),
                    latest == null ? null : latest.executionStatus().statusReasonAsString()));
        }

        @Override
        public Optional<Instant> newestManifest(String bucket, String prefix) throws BucketDenied {
            Instant newest = null;
            for (S3Object o : manifests(bucket, prefix)) {
                if (newest == null || o.lastModified().isAfter(newest)) {
                    newest = o.lastModified();
                }
            }
            return Optional.ofNullable(newest);
        }

        @Override
        public Optional<YearMonth> newestCarbonMonth(String bucket, String prefix) throws BucketDenied {
            YearMonth newest = null;
            for (S3Object o : manifests(bucket, prefix)) {
                Matcher m = CARBON_MONTH.matcher(o.key());
                if (m.find()) {
                    YearMonth month = YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                    if (newest == null || month.isAfter(newest)) {
                        newest = month;
                    }
                }
            }
            return Optional.ofNullable(newest);
        }

        private Iterable<S3Object> manifests(String bucket, String prefix) throws BucketDenied {
            try {
                return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "/")).contents().stream()
                        .filter(o -> o.key().endsWith("-Manifest.json")).toList();
            } catch (S3Exception e) {
                throw new BucketDenied(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            }
        }
    }
}
