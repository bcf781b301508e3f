package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a real redis-server serving TLS with a self-signed certificate (made with the
 * JDK's keytool): a certificate for 127.0.0.1 is accepted, one that names another host is refused.
 */
class RedisTlsTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    Path dir;

    /** A self-signed certificate for {@code san}, written as cert.pem and key.pem under {@code name}/. */
    private Path[] certificate(String name, String san) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Path store = d.resolve("store.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "redis",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=" + name,
                        "-ext",
                        "SAN=" + san,
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        new String(PASS),
                        "-keypass",
                        new String(PASS))
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS);
        }
        Certificate cert = ks.getCertificate("redis");
        PrivateKey key = (PrivateKey) ks.getKey("redis", PASS);
        Path certPem = d.resolve("cert.pem");
        Path keyPem = d.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new Path[] {certPem, keyPem, store};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** Sockets that trust exactly the certificate in {@code store}. */
    private static SSLSocketFactory trusting(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS);
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("redis", ks.getCertificate("redis"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    @Test
    void rediss_storesAndReadsOverTlsWhenTheCertificateNamesTheHost() throws Exception {
        Path[] c = certificate("good", "ip:127.0.0.1");
        try (RedisServerProcess redis = RedisServerProcess.startTls(c[0], c[1]);
                RedisCache writer = RedisCache.builder()
                        .uri(redis.tlsUri())
                        .sslSocketFactory(trusting(c[2]))
                        .build();
                RedisCache plainReader =
                        RedisCache.builder().uri(redis.uri()).memoryBytes(0).build()) {
            writer.put(Responses.key("q"), Responses.response("over tls"));

            assertThat(writer.isDown()).isFalse();
            assertThat(plainReader.get(Responses.key("q")))
                    .as("the same server, read on its plain port")
                    .isEqualTo(Responses.response("over tls"));
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedWithOneWarning() throws Exception {
        Path[] c = certificate("other", "dns:other.invalid");
        try (RedisServerProcess redis = RedisServerProcess.startTls(c[0], c[1]);
                LogCapture logs = new LogCapture();
                RedisCache cache = RedisCache.builder()
                        .uri(redis.tlsUri())
                        .sslSocketFactory(trusting(c[2]))
                        .build();
                RedisCache plainReader =
                        RedisCache.builder().uri(redis.uri()).memoryBytes(0).build()) {
            for (int i = 0; i < 3; i++) cache.put(Responses.key("q" + i), Responses.response("never sent"));

            assertThat(cache.isDown()).isTrue();
            assertThat(plainReader.get(Responses.key("q0"))).isNull();
            assertThat(logs.warnings()).hasSize(1);
            assertThat(logs.warnings().get(0)).contains("rediss://127.0.0.1:");
        }
    }
}
