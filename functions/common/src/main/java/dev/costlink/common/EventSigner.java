package dev.costlink.common;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an event carries to prove who sent it: the headers of one attempt, made fresh for every attempt of the same body
 * (docs/callback-contract.md). The connection callback sends the ExternalId's HMAC (the tenant binding) and the proof of
 * origin by AWS; the delivery detector, which holds no ExternalId, sends the proof only.
 */
@FunctionalInterface
public interface EventSigner {

    /** The headers for {@code body} sent at {@code at}; {@link NotSigned} when they cannot be made. */
    Map<String, String> headers(byte[] body, Instant at);

    /** Why an event could not be signed; its message names the cause, never a credential or the event. */
    final class NotSigned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotSigned(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code CostLink-Timestamp} and {@code CostLink-Signature}: the HMAC keyed with the tenant's ExternalId. */
    static EventSigner hmac(String externalId) {
        return (body, at) -> {
            long timestamp = at.getEpochSecond();
            return Map.of(CallbackSignature.TIMESTAMP_HEADER, Long.toString(timestamp),
                    CallbackSignature.SIGNATURE_HEADER, CallbackSignature.sign(externalId, timestamp, body));
        };
    }

    /** This signer's headers and {@code other}'s, for the same body and time. */
    default EventSigner and(EventSigner other) {
        return (body, at) -> {
            Map<String, String> headers = new LinkedHashMap<>(headers(body, at));
            headers.putAll(other.headers(body, at));
            return headers;
        };
    }
}
