package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.openai.AzureOpenAiChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A base URL that is not an absolute http(s) URL with a host is refused with one message saying why,
 * what is accepted and, when only the scheme is missing, the URL meant (a new user's
 * {@code 127.0.0.1:8766/v1} got "Illegal character in scheme name at index 0").
 */
class BaseUrlTest {
    private static final String ACCEPTED =
            "; give one with a host, e.g. http://127.0.0.1:8766/v1 or https://api.openai.com/v1";

    private static String refusal(String url) {
        Throwable t = catchThrowableOfType(
                IllegalArgumentException.class,
                () -> OpenAiChat.builder().model("m").baseUrl(url).build());
        assertThat(t).as(url).isNotNull();
        return t.getMessage();
    }

    @Test
    void aUrlWithoutItsSchemeNamesTheUrlItLikelyMeant() {
        assertThat(refusal("127.0.0.1:8766/v1"))
                .isEqualTo("baseUrl '127.0.0.1:8766/v1' is not an absolute http:// or https:// URL:"
                        + " it does not start with http:// or https://" + ACCEPTED
                        + " (did you mean 'http://127.0.0.1:8766/v1'?)");
        assertThat(refusal("localhost:8080"))
                .isEqualTo("baseUrl 'localhost:8080' is not an absolute http:// or https:// URL:"
                        + " it does not start with http:// or https://" + ACCEPTED
                        + " (did you mean 'http://localhost:8080'?)");
        assertThat(refusal("api.openai.com/v1"))
                .isEqualTo("baseUrl 'api.openai.com/v1' is not an absolute http:// or https:// URL:"
                        + " it does not start with http:// or https://" + ACCEPTED
                        + " (did you mean 'https://api.openai.com/v1'?)");
        assertThat(refusal("[::1]:8000/v1")).endsWith(" (did you mean 'http://[::1]:8000/v1'?)");
    }

    @Test
    void otherSchemesEmptyWhiteSpaceAndRelativeValuesSayWhyAndWhatIsAccepted() {
        assertThat(refusal("ftp://127.0.0.1/v1"))
                .isEqualTo("baseUrl 'ftp://127.0.0.1/v1' is not an absolute http:// or https:// URL:"
                        + " its scheme is ftp:// (only http:// and https:// are accepted)" + ACCEPTED);
        assertThat(refusal(""))
                .isEqualTo("baseUrl '' is not an absolute http:// or https:// URL: it is empty" + ACCEPTED);
        assertThat(refusal("   "))
                .isEqualTo("baseUrl '   ' is not an absolute http:// or https:// URL: it is empty" + ACCEPTED);
        assertThat(refusal("http://127.0.0.1:8766/my v1"))
                .isEqualTo("baseUrl 'http://127.0.0.1:8766/my v1' is not an absolute http:// or https:// URL:"
                        + " it has white space at index 24" + ACCEPTED);
        assertThat(refusal(" http://127.0.0.1:8766/v1"))
                .isEqualTo("baseUrl ' http://127.0.0.1:8766/v1' is not an absolute http:// or https:// URL:"
                        + " it has white space at index 0" + ACCEPTED);
        assertThat(refusal("/v1"))
                .isEqualTo("baseUrl '/v1' is not an absolute http:// or https:// URL:"
                        + " it does not start with http:// or https://" + ACCEPTED);
        assertThat(refusal("http:127.0.0.1:8766/v1"))
                .isEqualTo("baseUrl 'http:127.0.0.1:8766/v1' is not an absolute http:// or https:// URL:"
                        + " the // after its scheme is missing" + ACCEPTED);
    }

    @Test
    void aUrlWithoutAUsableHostOrWithBadSyntaxSaysSo() {
        assertThat(refusal("http:///v1"))
                .isEqualTo(
                        "baseUrl 'http:///v1' is not an absolute http:// or https:// URL: it has no host" + ACCEPTED);
        assertThat(refusal("http://my_server:8080/v1"))
                .isEqualTo("baseUrl 'http://my_server:8080/v1' is not an absolute http:// or https:// URL:"
                        + " 'my_server:8080' is not a host name (letters, digits, '-' and '.', or an IP address)"
                        + ACCEPTED);
        assertThat(refusal("http://"))
                .isEqualTo("baseUrl 'http://' is not an absolute http:// or https:// URL: it has no host" + ACCEPTED);
        assertThat(refusal("https://:8080/v1"))
                .isEqualTo("baseUrl 'https://:8080/v1' is not an absolute http:// or https:// URL: it has no host"
                        + ACCEPTED);
        assertThat(refusal("http://127.0.0.1:8766/v1|x"))
                .isEqualTo("baseUrl 'http://127.0.0.1:8766/v1|x' is not an absolute http:// or https:// URL:"
                        + " Illegal character in path at index 24" + ACCEPTED);
    }

    @Test
    void everyHttpClientChecksThroughTheSameRootAndAbsoluteUrlsStillPass() {
        assertThatThrownBy(() -> AnthropicChat.builder().baseUrl("localhost:8080"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("baseUrl 'localhost:8080' is not an absolute http:// or https:// URL");
        assertThatThrownBy(() -> AzureOpenAiChat.builder().endpoint("my-res.openai.azure.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("(did you mean 'https://my-res.openai.azure.com'?)");
        for (String url : new String[] {
            "http://127.0.0.1:8766/v1", "HTTPS://api.openai.com/v1/", "http://[::1]:8000", "http://localhost:8080"
        }) {
            URI base = OpenAiChat.builder().model("m").baseUrl(url).build().baseUrl();
            assertThat(base)
                    .as(url)
                    .isEqualTo(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url));
        }
    }
}
