package dev.costlink.verifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A customer account in memory: a bucket's keys, exports and reports, queue depths, and a record of every listing and
 * queue read made.
 */
final class FakeCustomerAccount implements CustomerAccount {
    final TreeMap<String, Instant> keys = new TreeMap<>();
    final Map<String, ExportState> exports = new HashMap<>();
    final Map<String, ReportState> reports = new HashMap<>();
    final List<String> listed = new ArrayList<>();
    final Map<String, Integer> queues = new HashMap<>();
    final List<String> queuesRead = new ArrayList<>();
    String queueRefusal;
    String refusal;
    boolean bucketDenied;
    int assumed;

    FakeCustomerAccount put(String key, Instant lastModified) {
        keys.put(key, lastModified);
        return this;
    }

    @Override
    public Session assume(String roleArn, String externalId) throws AssumeRoleRefused {
        assumed++;
        if (refusal != null) {
            throw new AssumeRoleRefused(refusal);
        }
        return new Session() {
            @Override
            public List<String> folders(String bucket, String prefix) throws BucketDenied {
                listed.add(prefix);
                deny();
                TreeSet<String> out = new TreeSet<>();
                for (String key : keys.tailMap(prefix).keySet()) {
                    if (!key.startsWith(prefix)) {
                        break;
                    }
                    int slash = key.indexOf('/', prefix.length());
                    if (slash >= 0) {
                        out.add(key.substring(0, slash + 1));
                    }
                }
                return new ArrayList<>(out);
            }

            @Override
            public List<StoredObject> objects(String bucket, String prefix) throws BucketDenied {
                listed.add(prefix);
                deny();
                return keys.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                        .map(e -> new StoredObject(e.getKey(), e.getValue())).toList();
            }

            @Override
            public Optional<ExportState> export(ExportRef export) {
                return Optional.ofNullable(exports.get(export.arn() != null ? export.arn() : export.name()));
            }

            @Override
            public Optional<ReportState> report(String reportName) {
                return Optional.ofNullable(reports.get(reportName));
            }

            @Override
            public int queueDepth(SqsQueueUrl queue) throws QueueUnreadable {
                queuesRead.add(queue.canonical());
                if (queueRefusal != null || !queues.containsKey(queue.canonical())) {
                    throw new QueueUnreadable(queueRefusal != null ? queueRefusal
                            : "AWS.SimpleQueueService.NonExistentQueue: The specified queue does not exist.");
                }
                return queues.get(queue.canonical());
            }
        };
    }

    private void deny() throws BucketDenied {
        if (bucketDenied) {
            throw new BucketDenied("AccessDenied: Access Denied");
        }
    }
}
