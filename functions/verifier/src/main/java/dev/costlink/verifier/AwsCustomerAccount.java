package dev.costlink.verifier;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bcmdataexports.BcmDataExportsClient;
import software.amazon.awssdk.services.bcmdataexports.model.ExecutionReference;
import software.amazon.awssdk.services.bcmdataexports.model.GetExportResponse;
import software.amazon.awssdk.services.bcmdataexports.model.ListExecutionsResponse;
import software.amazon.awssdk.services.bcmdataexports.model.ListExportsResponse;
import software.amazon.awssdk.services.bcmdataexports.model.ResourceNotFoundException;
import software.amazon.awssdk.services.costandusagereport.CostAndUsageReportClient;
import software.amazon.awssdk.services.costandusagereport.model.DescribeReportDefinitionsResponse;
import software.amazon.awssdk.services.costandusagereport.model.ReportDefinition;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * {@link CustomerAccount} through STS AssumeRole (15-minute sessions), and S3, BCM Data Exports, CUR and SQS calls made
 * with the session's credentials. The SDK clients live for the execution environment; each call into a customer's account
 * carries its session's credentials on the request, and the clients' own credentials refuse to sign, so no call can
 * reach a customer's account with the vendor's identity. Every listing is bounded ({@link #MAX_PAGES}).
 */
public final class AwsCustomerAccount implements CustomerAccount {
    static final int SESSION_SECONDS = 900;
    /** Pages read of any one listing: 3,000 keys or folders of S3; 900 executions or exports of BCM Data Exports. */
    static final int MAX_PAGES = 3;
    /** The most BCM Data Exports returns in one page (the service model's MaxResults). */
    static final int BCM_PAGE = 300;
    /** The most the CUR service returns in one page (the service model's MaxResults), and the pages read (100). */
    static final int CUR_PAGE = 5;
    static final int MAX_REPORT_PAGES = 20;

    /** For clients that may only call with a role session's credentials, carried on each request. */
    static final AwsCredentialsProvider REFUSE = () -> {
        throw new IllegalStateException("a call into a customer's account must carry the role session's credentials");
    };
    private static final Lazy<StsClient> STS = new Lazy<>(() -> AwsClients.configure(StsClient.builder()).build());
    private static final Lazy<S3Client> S3 = new Lazy<>(() -> AwsClients.configure(S3Client.builder())
            .forcePathStyle(AwsClients.emulated()).credentialsProvider(REFUSE).build());
    private static final Lazy<BcmDataExportsClient> EXPORTS = new Lazy<>(() -> AwsClients.configure(
            BcmDataExportsClient.builder(), "BCM_DATA_EXPORTS").credentialsProvider(REFUSE).build());
    private static final Lazy<CostAndUsageReportClient> REPORTS = new Lazy<>(() -> AwsClients.configure(
            CostAndUsageReportClient.builder(), "COST_AND_USAGE_REPORT_SERVICE").credentialsProvider(REFUSE).build());

    /** SQS answers for its own region's queues only: one client per region a connection stack runs in. */
    private static final ConcurrentMap<String, SqsClient> SQS = new ConcurrentHashMap<>();

    private static SqsClient sqs(String region) {
        return SQS.computeIfAbsent(region, r -> AwsClients.configure(SqsClient.builder()).region(Region.of(r))
                .credentialsProvider(REFUSE).build());
    }

    @Override
    public Session assume(String roleArn, String externalId) throws AssumeRoleRefused {
        return new RoleSession(sessionOf(roleArn, externalId));
    }

    /** A 15-minute session of the role, as the override every request made with it carries. */
    static AwsRequestOverrideConfiguration sessionOf(String roleArn, String externalId) throws AssumeRoleRefused {
        Credentials creds;
        try {
            creds = STS.get().assumeRole(r -> r.roleArn(roleArn).externalId(externalId)
                    .roleSessionName("costlink-verifier").durationSeconds(SESSION_SECONDS)).credentials();
        } catch (StsException e) {
            if (e.statusCode() == 403 || "AccessDenied".equals(e.awsErrorDetails().errorCode())) {
                throw new AssumeRoleRefused(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            }
            throw e;
        }
        StaticCredentialsProvider session = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken()));
        return AwsRequestOverrideConfiguration.builder().credentialsProvider(session).build();
    }

    /** The calls of one assumed-role session: every request carries {@code as}, the session's credentials. */
    private record RoleSession(AwsRequestOverrideConfiguration as) implements Session {
        @Override
        public List<String> folders(String bucket, String prefix) throws BucketDenied {
            List<String> out = new ArrayList<>();
            for (ListObjectsV2Response page : listing(bucket, prefix, "/")) {
                page.commonPrefixes().stream().map(CommonPrefix::prefix).forEach(out::add);
            }
            return out;
        }

        @Override
        public List<StoredObject> objects(String bucket, String prefix) throws BucketDenied {
            List<StoredObject> out = new ArrayList<>();
            for (ListObjectsV2Response page : listing(bucket, prefix, null)) {
                for (S3Object o : page.contents()) {
                    out.add(new StoredObject(o.key(), o.lastModified()));
                }
            }
            return out;
        }

        private List<ListObjectsV2Response> listing(String bucket, String prefix, String delimiter)
                throws BucketDenied {
            List<ListObjectsV2Response> pages = new ArrayList<>();
            String token = null;
            try {
                do {
                    String from = token;
                    ListObjectsV2Response page = S3.get().listObjectsV2(r -> r.bucket(bucket).prefix(prefix)
                            .delimiter(delimiter).continuationToken(from).overrideConfiguration(as));
                    pages.add(page);
                    token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
                } while (token != null && pages.size() < MAX_PAGES);
            } catch (S3Exception e) {
                throw new BucketDenied(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            }
            return pages;
        }

        @Override
        public Optional<ReportState> report(String reportName) {
            String token = null;
            int pages = 0;
            do {
                String from = token;
                DescribeReportDefinitionsResponse page = REPORTS.get().describeReportDefinitions(r -> r
                        .maxResults(CUR_PAGE).nextToken(from).overrideConfiguration(as));
                for (ReportDefinition d : page.reportDefinitions()) {
                    if (reportName.equals(d.reportName())) {
                        return Optional.of(new ReportState(
                                d.reportStatus() == null ? null : d.reportStatus().lastStatusAsString()));
                    }
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty() && ++pages < MAX_REPORT_PAGES);
            return Optional.empty();
        }

        @Override
        public Optional<ExportState> export(ExportRef ref) {
            String arn = ref.arn() != null ? ref.arn() : arnOf(ref.name());
            if (arn == null) {
                return Optional.empty();
            }
            GetExportResponse export;
            try {
                export = EXPORTS.get().getExport(r -> r.exportArn(arn).overrideConfiguration(as));
            } catch (ResourceNotFoundException e) {
                return Optional.empty();
            }
            var status = export.exportStatus();
            return Optional.of(new ExportState(export.export().name(), status.statusCodeAsString(),
                    status.statusReasonAsString(), status.createdAt(), status.lastRefreshedAt(), latestRun(arn)));
        }

        private String arnOf(String name) {
            String token = null;
            int pages = 0;
            do {
                String from = token;
                ListExportsResponse page = EXPORTS.get().listExports(r -> r.maxResults(BCM_PAGE).nextToken(from)
                        .overrideConfiguration(as));
                for (var e : page.exports()) {
                    if (name.equals(e.exportName())) {
                        return e.exportArn();
                    }
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty() && ++pages < MAX_PAGES);
            return null;
        }

        @Override
        public int queueDepth(SqsQueueUrl queue) throws QueueUnreadable {
            try {
                String depth = sqs(queue.region()).getQueueAttributes(r -> r.queueUrl(queue.canonical())
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).overrideConfiguration(as))
                        .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
                return depth == null ? 0 : Integer.parseInt(depth);
            } catch (SqsException e) {
                if (e.statusCode() / 100 != 4 || e.statusCode() == 429 || e.isThrottlingException()) {
                    throw e;
                }
                // An answer the SDK cannot parse (moto's XML to a JSON-protocol request) has no code: its status says.
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
                String named = code != null ? code : e.statusCode() == 403 ? "AccessDenied" : "HTTP " + e.statusCode();
                throw new QueueUnreadable(message == null ? named + " (HTTP " + e.statusCode() + ")"
                        : named + ": " + message);
            }
        }

        /** ListExecutions promises no order: the newest by creation time among the first pages read. */
        private LatestRun latestRun(String arn) {
            ExecutionReference newest = null;
            String token = null;
            int pages = 0;
            do {
                String from = token;
                ListExecutionsResponse page = EXPORTS.get().listExecutions(r -> r.exportArn(arn).maxResults(BCM_PAGE)
                        .nextToken(from).overrideConfiguration(as));
                for (ExecutionReference x : page.executions()) {
                    if (newest == null || createdAfter(x, newest)) {
                        newest = x;
                    }
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty() && ++pages < MAX_PAGES);
            if (newest == null) {
                return null;
            }
            return new LatestRun(newest.executionStatus().statusCodeAsString(),
                    newest.executionStatus().statusReasonAsString(), token != null && !token.isEmpty());
        }

        private static boolean createdAfter(ExecutionReference a, ExecutionReference b) {
            var at = a.executionStatus().createdAt();
            var bt = b.executionStatus().createdAt();
            return at != null && (bt == null || at.isAfter(bt));
        }
    }
}
