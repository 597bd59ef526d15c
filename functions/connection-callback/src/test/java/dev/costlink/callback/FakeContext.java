package dev.costlink.callback;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda context whose deadline is {@code millis} from its creation. */
final class FakeContext implements Context {
    private final long deadline;

    FakeContext(long millis) {
        this.deadline = System.currentTimeMillis() + millis;
    }

    @Override public String getAwsRequestId() { return "req-1"; }
    @Override public String getLogGroupName() { return "group"; }
    @Override public String getLogStreamName() { return "stream"; }
    @Override public String getFunctionName() { return "fn"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:111122223333:function:fn"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadline - System.currentTimeMillis()); }
    @Override public int getMemoryLimitInMB() { return 512; }
    @Override public LambdaLogger getLogger() { return null; }
}
