package dev.costlink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CallerIdentityXmlTest {
    static String answer(String arn, String account) {
        return "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                + "  <GetCallerIdentityResult>\n    <Arn>" + arn + "</Arn>\n    <UserId>AROAEXAMPLE:fn</UserId>\n"
                + "    <Account>" + account + "</Account>\n  </GetCallerIdentityResult>\n"
                + "  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>\n"
                + "</GetCallerIdentityResponse>\n";
    }

    static final String ARN = "arn:aws:sts::111122223333:assumed-role/costlink-callback-x/fn";

    @Test
    void readsArnAndAccount() {
        assertEquals(new CallerIdentity(ARN, "111122223333"), CallerIdentityXml.identity(answer(ARN, "111122223333")));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {
                null, "", "<html>busy</html>", answer("not-an-arn", "111122223333"), answer(ARN, "1111"),
                answer(ARN, "111122223333").replace("</Arn>", "</Arn><Arn>" + ARN + "</Arn>"),
                answer(ARN, "111122223333") + answer(ARN, "111122223333"),
                answer(ARN, "111122223333").replace("<Account>", "<!-- --><Account>").replace("111122223333</Account>",
                        "<![CDATA[111122223333]]></Account>"),
                answer(ARN, "111122223333") + " ".repeat(CallerIdentityXml.MAX_CHARS)}) {
            assertThrows(IllegalArgumentException.class, () -> CallerIdentityXml.identity(bad), String.valueOf(bad));
        }
    }

    @Test
    void errorCodes() {
        String error = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                + "<Code>SignatureDoesNotMatch</Code><Message>The request signature ...</Message></Error>"
                + "<RequestId>x</RequestId></ErrorResponse>";
        assertEquals("SignatureDoesNotMatch", CallerIdentityXml.errorCode(error));
        assertNull(CallerIdentityXml.errorCode("<html/>"));
        assertNull(CallerIdentityXml.errorCode("<Code>a b</Code>"));
    }
}
