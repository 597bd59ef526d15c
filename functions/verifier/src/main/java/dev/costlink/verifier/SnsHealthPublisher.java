package dev.costlink.verifier;

import dev.costlink.common.AwsClients;
import dev.costlink.common.Lazy;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes health events to the health topic, with their subject and filterable String attributes. */
public final class SnsHealthPublisher implements HealthPublisher {
    private static final Lazy<SnsClient> SNS = new Lazy<>(() -> AwsClients.configure(SnsClient.builder()).build());
    private final String topicArn;

    public SnsHealthPublisher(String topicArn) {
        this.topicArn = topicArn;
    }

    @Override
    public void publish(HealthEvent event) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        event.attributes().forEach((k, v) -> attributes.put(k,
                MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        SNS.get().publish(p -> p.topicArn(topicArn).subject(event.subject()).message(event.message())
                .messageAttributes(attributes));
    }
}
