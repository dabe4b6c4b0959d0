package io.securefirehose.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.testkit.CapturedRecord;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import io.securefirehose.testkit.StreamPosture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged tool, run as a process against LocalFirehose on loopback. */
class CliIT {

    private static final String KEY_ID = "5e6f7a8b-1c2d-3e4f-5a6b-7c8d9e0f1a2b";
    private static final String KMS_KEY = "arn:aws:kms:us-east-1:000000000000:key/" + KEY_ID;
    private static final String ROLE_ARN = "arn:aws:iam::000000000000:role/orders-producer";

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private LocalFirehose server(LocalFirehoseBuilder builder) {
        LocalFirehose server = builder.start();
        open.add(server);
        return server;
    }

    private Path trustPem(LocalFirehose server) {
        return server.writeTrustPem(dir.resolve("ca-" + server.port() + ".pem"));
    }

    private String[] connection(LocalFirehose server, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--endpoint",
                server.endpoint().toString(),
                "--trust-pem",
                trustPem(server).toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    /** Runs the tool with the endpoint's credentials, address and certificate authority after the given args. */
    private CliProcess.Result against(LocalFirehose server, byte[] stdin, String... args) {
        return CliProcess.run(CliProcess.environment(server), stdin, concat(args, connection(server)));
    }

    private static String[] concat(String[] first, String... second) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(second));
        return all.toArray(new String[0]);
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] lines(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("{\"line\":").append(i).append("}\n");
        }
        return text.toString().getBytes(UTF_8);
    }

    @Test
    void sendShipsEveryLineWithProgressAndASummary() {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders"));
        CliProcess.Result result =
                against(server, lines(2000), "send", "--stream", "orders", "--progress-interval", "5ms");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().trim()).isEqualTo("sent=2000 failed=0");
        assertThat(result.err())
                .containsPattern("progress: read=2000 acknowledged=2000 failed=0 rate=\\d+ records/s \\(done\\)");
        List<CapturedRecord> records = server.records("orders");
        // Up to five calls run at once, so records may arrive in another order than read.
        assertThat(records)
                .extracting(r -> new String(r.data(), UTF_8))
                .containsExactlyInAnyOrderElementsOf(new String(lines(2000), UTF_8)
                        .lines()
                        .map(l -> l + "\n")
                        .toList());
    }

    @Test
    void sendReadsFilesAndWholeBinaryFiles() throws Exception {
        LocalFirehose server = server(LocalFirehose.builder().stream("files"));
        Path text = Files.write(dir.resolve("in.txt"), "a\r\nb\n".getBytes(UTF_8));
        Path blob = Files.write(dir.resolve("blob.bin"), new byte[] {0, 1, 2, '\n', 3});
        CliProcess.Result lines = CliProcess.run(
                CliProcess.environment(server),
                new byte[0],
                concat(
                        new String[] {"send", "--stream", "files", "--strip-newlines"},
                        connection(server, text.toString())));
        assertThat(lines.exitCode()).as(lines.err()).isZero();
        CliProcess.Result binary = CliProcess.run(
                CliProcess.environment(server),
                new byte[0],
                concat(new String[] {"send", "--stream", "files", "--binary"}, connection(server, blob.toString())));
        assertThat(binary.exitCode()).as(binary.err()).isZero();
        assertThat(server.records("files"))
                .extracting(r -> new String(r.data(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .containsExactlyInAnyOrder("a", "b", "\0\1\2\n\3");
    }

    @Test
    void anOverlongLineOrFileIsRefusedAsOneRecordInBoundedMemoryAndTheRestIsSent() throws Exception {
        LocalFirehose server = server(LocalFirehose.builder().stream("files"));
        // 160 MB in one line, read by a tool whose heap is 64 MB: holding the line would run out of memory.
        long hugeLine = 160L << 20;
        Path text = dir.resolve("huge-line.txt");
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(text), 1 << 20)) {
            out.write("first\n".getBytes(UTF_8));
            for (long written = 0; written < hugeLine; written += chunk.length) {
                out.write(chunk);
            }
            out.write("\n".getBytes(UTF_8));
            out.write("x".repeat(1_024_000).getBytes(UTF_8)); // one byte too many with its newline
            out.write("\nlast\n".getBytes(UTF_8));
        }
        Path hugeFile = Files.copy(text, dir.resolve("huge.bin"));
        Path small = Files.write(dir.resolve("small.bin"), new byte[] {1, 2, 3});
        Map<String, String> smallHeap = new java.util.HashMap<>(CliProcess.environment(server));
        smallHeap.put("JAVA_TOOL_OPTIONS", "-Xmx64m");

        CliProcess.Result lines = CliProcess.run(
                smallHeap,
                new byte[0],
                concat(new String[] {"send", "--stream", "files"}, connection(server, text.toString())));
        assertThat(lines.exitCode()).as(lines.err()).isEqualTo(1);
        assertThat(lines.out()).contains("sent=2 failed=2");
        assertThat(lines.err())
                .contains("refused: " + text + " line 2: record of " + (hugeLine + 1) + " bytes is larger than the"
                        + " 1024000-byte limit")
                .doesNotContain("OutOfMemoryError");
        assertThat(server.records("files"))
                .extracting(r -> new String(r.data(), UTF_8))
                .containsExactlyInAnyOrder("first\n", "last\n");

        CliProcess.Result files = CliProcess.run(
                smallHeap,
                new byte[0],
                concat(
                        new String[] {"send", "--stream", "files", "--binary"},
                        connection(server, hugeFile.toString(), small.toString())));
        assertThat(files.exitCode()).isEqualTo(1);
        assertThat(files.out()).contains("sent=1 failed=1");
        assertThat(files.err())
                .contains("refused: " + hugeFile + ": record of " + Files.size(hugeFile) + " bytes is larger than");
        assertThat(server.records("files")).hasSize(3);
    }

    @Test
    void aServerWithWeakTlsIsRefusedWithOneLineNamingTheRule() {
        LocalFirehose weak = server(LocalFirehose.builder().stream("orders")
                .tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        CliProcess.Result result = against(weak, lines(3), "send", "--stream", "orders");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out().trim()).isEqualTo("sent=0 failed=3");
        List<String> errors =
                result.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("error: 3 record(s): ").contains("TLS");
        assertThat(weak.applicationBytesReceived()).isZero();
    }

    @Test
    void aKmsEndpointThatDoesNotResolveEndsTheRunAtOnceNamingTheEndpointAndTheFlag() {
        LocalFirehose server = encryptingServer();
        // No --kms-endpoint: the region's, which this machine (and the tool's hosts file here) cannot resolve.
        CliProcess.Result result = against(
                server,
                lines(3),
                "send",
                "--stream",
                "secure",
                "--kms-key",
                KMS_KEY,
                "--stream-arn",
                server.streamArn("secure"));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out().trim()).isEqualTo("sent=0 failed=3");
        List<String> errors =
                result.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0))
                .startsWith(
                        "error: KMS at https://kms.us-east-1.amazonaws.com could not be reached (UnknownHostException")
                .contains("set --kms-endpoint")
                .doesNotContain("deliveryTimeout");
        assertThat(result.err())
                .contains("first failure: KMS GenerateDataKey at https://kms.us-east-1.amazonaws.com:"
                        + " UnknownHostException");
        assertThat(server.records("secure")).isEmpty();
    }

    @Test
    void anStsEndpointThatRefusesConnectionsEndsTheRunAtOnceNamingTheEndpointAndTheFlag() throws Exception {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders").role(ROLE_ARN));
        String sts = "https://localhost:" + closedPort();
        CliProcess.Result result =
                against(server, lines(2), "send", "--stream", "orders", "--role-arn", ROLE_ARN, "--sts-endpoint", sts);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out().trim()).isEqualTo("sent=0 failed=2");
        List<String> errors =
                result.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0))
                .startsWith("error: STS at " + sts + " could not be reached (")
                .contains("set --sts-endpoint");
        assertThat(result.err()).contains("first failure: STS AssumeRole at " + sts);
        assertThat(server.records("orders")).isEmpty();
    }

    @Test
    void aFirehoseEndpointThatRefusesConnectionsEndsTheRunAtOnce() throws Exception {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders"));
        String firehose = "https://localhost:" + closedPort();
        List<String> args = new ArrayList<>(List.of("send", "--stream", "orders"));
        args.addAll(List.of(connection(server)));
        args.set(args.indexOf("--endpoint") + 1, firehose);
        CliProcess.Result result =
                CliProcess.run(CliProcess.environment(server), lines(2), args.toArray(new String[0]));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out().trim()).isEqualTo("sent=0 failed=2");
        assertThat(result.err().lines().filter(l -> l.startsWith("error:")))
                .singleElement()
                .asString()
                .startsWith("error: FIREHOSE at " + firehose + " could not be reached (")
                .contains("check --endpoint");
    }

    @Test
    void fipsInARegionWithoutAFirehoseFipsEndpointIsRefusedBeforeAnythingIsSent() {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders"));
        CliProcess.Result result = CliProcess.run(
                CliProcess.environment(server),
                lines(1),
                "send",
                "--stream",
                "orders",
                "--region",
                "eu-west-1",
                "--fips");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out().trim()).isEqualTo("sent=0 failed=0");
        assertThat(result.err())
                .contains("error: --fips: firehose has no FIPS endpoint in eu-west-1")
                .contains("us-east-1");
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void checkWithDualStackReportsAndTriesTheDualStackName() {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders"));
        CliProcess.Result result = CliProcess.run(
                CliProcess.environment(server),
                new byte[0],
                "check",
                "--stream",
                "orders",
                "--region",
                "us-east-1",
                "--dual-stack");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out())
                .contains("INFO connection: endpoint https://firehose.us-east-1.api.aws, region us-east-1,")
                .contains("firehose.us-east-1.api.aws does not resolve");
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void anEndpointOutsideTheAllowedRangesIsRefusedBeforeAnythingIsSent() {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders"));
        CliProcess.Result result =
                against(server, lines(1), "send", "--stream", "orders", "--allow-cidr", "10.0.0.0/8");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("error: ")
                .contains("localhost resolves to")
                .contains("10.0.0.0/8");
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void unknownCredentialsAndRolesAreExplained() {
        LocalFirehose server = server(LocalFirehose.builder().stream("orders"));
        Map<String, String> stranger = new HashMap<>(CliProcess.environment(server));
        stranger.put("AWS_ACCESS_KEY_ID", "AKIASTRANGER");
        CliProcess.Result unknownKey = CliProcess.run(
                stranger, lines(2), concat(new String[] {"send", "--stream", "orders"}, connection(server)));
        assertThat(unknownKey.exitCode()).isEqualTo(1);
        assertThat(unknownKey.err()).contains("error: 2 record(s): ").contains("UnrecognizedClientException");

        String[] refusedRole = {
            "--stream",
            "orders",
            "--role-arn",
            "arn:aws:iam::000000000000:role/nobody",
            "--sts-endpoint",
            server.endpoint().toString()
        };
        CliProcess.Result unknownRole = against(server, lines(1), concat(new String[] {"send"}, refusedRole));
        assertThat(unknownRole.exitCode()).isEqualTo(1);
        assertThat(unknownRole.out().trim()).isEqualTo("sent=0 failed=1");
        // One line: the refusal ends the run, and the record it failed is not reported again.
        assertThat(unknownRole.err().lines().filter(l -> l.startsWith("error:")))
                .singleElement()
                .asString()
                .startsWith("error: STS at " + server.endpoint() + " refused AssumeRole (AccessDenied: ")
                .contains("arn:aws:iam::000000000000:role/nobody")
                .contains("check --role-arn, --external-id");
        CliProcess.Result refusedRoleChecked =
                against(server, new byte[0], concat(new String[] {"check"}, refusedRole));
        assertThat(refusedRoleChecked.exitCode()).isEqualTo(1);
        assertThat(refusedRoleChecked.out())
                .containsPattern("FAIL credentials: .*AssumeRole of arn:aws:iam::000000000000:role/nobody failed with"
                        + " AccessDenied")
                .contains("FAIL describe: DescribeDeliveryStream was not called: no credentials");
    }

    @Test
    void badFlagsAreUsageErrors() {
        CliProcess.Result unknown = CliProcess.run(Map.of(), new byte[0], "send", "--stream", "s", "--nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--nope'");
        CliProcess.Result missing = CliProcess.run(Map.of(), new byte[0], "send");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--stream=<stream>'");
        CliProcess.Result badValue = CliProcess.run(Map.of(), new byte[0], "send", "--stream", "s", "--linger", "5x");
        assertThat(badValue.exitCode()).isEqualTo(2);
        assertThat(badValue.err().lines().filter(line -> line.startsWith("error:")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("--linger").contains("'5x'"));
        CliProcess.Result localBadFlag = CliProcess.run(Map.of(), new byte[0], "local", "--bogus");
        assertThat(localBadFlag.exitCode()).isEqualTo(2);
        assertThat(localBadFlag.err()).startsWith("error: unknown flag --bogus");
        CliProcess.Result localBadPort = CliProcess.run(Map.of(), new byte[0], "local", "--port", "eighty");
        assertThat(localBadPort.exitCode()).isEqualTo(2);
        assertThat(localBadPort.err()).startsWith("error: --port takes a whole number, was 'eighty'");
        CliProcess.Result noRegion = CliProcess.run(Map.of(), new byte[0], "send", "--stream", "s");
        assertThat(noRegion.exitCode()).isEqualTo(2);
        assertThat(noRegion.err()).startsWith("error: --region is required (or set AWS_REGION)");
        CliProcess.Result noFile = CliProcess.run(
                Map.of("AWS_REGION", "us-east-1"),
                new byte[0],
                "send",
                "--stream",
                "s",
                dir.resolve("missing.jsonl").toString());
        assertThat(noFile.exitCode()).isEqualTo(1);
        assertThat(noFile.err()).contains("error: " + dir.resolve("missing.jsonl") + ": no such file");
        for (String command : List.of("send", "decrypt", "policy", "check", "local")) {
            CliProcess.Result version = CliProcess.run(Map.of(), new byte[0], command, "--version");
            assertThat(version.exitCode()).as(command).isZero();
            assertThat(version.out().trim()).as(command).matches("firehose-secure \\d+\\.\\d+\\.\\d+.*");
        }
        CliProcess.Result http = CliProcess.run(
                Map.of("AWS_REGION", "us-east-1"),
                new byte[0],
                "send",
                "--stream",
                "s",
                "--endpoint",
                "http://localhost:1");
        assertThat(http.exitCode()).isEqualTo(1);
        assertThat(http.err()).contains("endpoint must use https://");
    }

    @Test
    void encryptedRecordsSentByTheToolDecryptBackToTheInput() throws Exception {
        LocalFirehose server = encryptingServer();
        String streamArn = server.streamArn("secure");
        sendEncrypted(server, 300);
        assertThat(new String(server.records("secure").get(0).data(), 0, 4, UTF_8))
                .isEqualTo("FHSE");
        server.flushDeliveries();
        String[] objects =
                server.deliveredObjects("secure").stream().map(Path::toString).toArray(String[]::new);
        CliProcess.Result decrypted = decrypt(server, streamArn, objects);
        assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
        assertThat(decrypted.out().lines().sorted().toList())
                .isEqualTo(new String(lines(300), UTF_8).lines().sorted().toList());
        assertThat(decrypted.err()).contains("decrypted 300 record(s)");

        Path outDir = dir.resolve("plain");
        CliProcess.Result toFiles =
                decrypt(server, streamArn, concat(new String[] {"--out-dir", outDir.toString()}, objects));
        assertThat(toFiles.exitCode()).as(toFiles.err()).isZero();
        assertThat(toFiles.out()).isEmpty();
        long linesWritten = 0;
        for (String object : objects) {
            Path written = outDir.resolve(Path.of(object).getFileName() + ".records");
            linesWritten += Files.readAllLines(written, UTF_8).size();
        }
        assertThat(linesWritten).isEqualTo(300);

        Path tampered = dir.resolve("tampered.bin");
        byte[] object = Files.readAllBytes(server.deliveredObjects("secure").get(0));
        byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(object)).readAllBytes();
        plain[plain.length - 1] ^= 1;
        Files.write(tampered, plain);
        CliProcess.Result refused = decrypt(server, streamArn, tampered.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains(tampered + ": record at byte offset ")
                .contains("authentication failed");
    }

    @Test
    void decryptWritesOwnerOnlyFilesNeverThroughALinkAndCanSkipBadFrames() throws Exception {
        LocalFirehose server = encryptingServer();
        String streamArn = server.streamArn("secure");
        sendEncrypted(server, 20);
        server.flushDeliveries();
        Path object = server.deliveredObjects("secure").get(0);
        String name = object.getFileName() + ".records";

        Path out = dir.resolve("private").resolve("out");
        CliProcess.Result first = decrypt(server, streamArn, "--out-dir", out.toString(), object.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(name))))
                .isEqualTo("rw-------");
        long records = Files.readAllLines(out.resolve(name), UTF_8).size();

        CliProcess.Result again = decrypt(server, streamArn, "--out-dir", out.toString(), object.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains(out.resolve(name) + " already exists");

        Path linked = Files.createDirectory(dir.resolve("linked"));
        Files.setPosixFilePermissions(linked, PosixFilePermissions.fromString("rwx------"));
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
        Files.createSymbolicLink(linked.resolve(name), victim);
        CliProcess.Result throughLink = decrypt(server, streamArn, "--out-dir", linked.toString(), object.toString());
        assertThat(throughLink.exitCode()).isEqualTo(1);
        assertThat(throughLink.err()).contains("already exists");
        assertThat(Files.readString(victim)).isEqualTo("keep me");

        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        CliProcess.Result wide = decrypt(server, streamArn, "--out-dir", shared.toString(), object.toString());
        assertThat(wide.exitCode()).isEqualTo(1);
        assertThat(wide.err()).contains("is writable by group or others (rwxrwxrwx)");

        Path copyA = Files.createDirectories(dir.resolve("a")).resolve("same.gz");
        Path copyB = Files.createDirectories(dir.resolve("b")).resolve("same.gz");
        Files.copy(object, copyA);
        Files.copy(object, copyB);
        Path clashOut = dir.resolve("clash");
        CliProcess.Result clash =
                decrypt(server, streamArn, "--out-dir", clashOut.toString(), copyA.toString(), copyB.toString());
        assertThat(clash.exitCode()).isEqualTo(1);
        assertThat(clash.err()).contains("would both be written to same.gz.records");
        assertThat(clashOut).as("refused before anything was written").doesNotExist();

        byte[] plain = new java.util.zip.GZIPInputStream(Files.newInputStream(object)).readAllBytes();
        byte[] garbage = "\u001b[2J not a frame at all, 41 bytes long".getBytes(UTF_8);
        Path damaged = dir.resolve("damaged.bin");
        Files.write(damaged, concatBytes(plain, garbage, plain));
        CliProcess.Result stopped = decrypt(server, streamArn, damaged.toString());
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.err()).contains(damaged + ": record at byte offset " + plain.length + ": not an envelope");
        CliProcess.Result skipping = decrypt(server, streamArn, "--skip-bad-frames", damaged.toString());
        assertThat(skipping.exitCode())
                .as("skipping is reported in the exit code")
                .isEqualTo(1);
        assertThat(skipping.out().lines().count()).isEqualTo(2 * records);
        assertThat(skipping.err())
                .contains("skipped: " + damaged + ": record at byte offset " + plain.length + ": not an envelope frame")
                .contains("decrypted " + 2 * records + " record(s) from 1 object(s); skipped 1 bad frame(s)");
        CliProcess.Result clean = decrypt(server, streamArn, "--skip-bad-frames", object.toString());
        assertThat(clean.exitCode()).as(clean.err()).isZero();
        assertThat(clean.err()).contains("skipped 0 bad frame(s)");
    }

    /** A local endpoint with stream "secure", its KMS key, and gzip-compressed deliveries under dir/delivered. */
    private LocalFirehose encryptingServer() {
        return server(LocalFirehose.builder().stream("secure")
                .kmsKey(KEY_ID)
                .outputDirectory(dir.resolve("delivered"))
                .gzip(true));
    }

    private void sendEncrypted(LocalFirehose server, int records) {
        CliProcess.Result sent = against(
                server,
                lines(records),
                "send",
                "--stream",
                "secure",
                "--kms-key",
                KMS_KEY,
                "--kms-endpoint",
                server.endpoint().toString(),
                "--stream-arn",
                server.streamArn("secure"));
        assertThat(sent.exitCode()).as(sent.err()).isZero();
    }

    private static byte[] concatBytes(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private CliProcess.Result decrypt(LocalFirehose server, String streamArn, String... objects) {
        String[] flags = {
            "decrypt",
            "--stream-arn",
            streamArn,
            "--kms-endpoint",
            server.endpoint().toString(),
            "--trust-pem",
            trustPem(server).toString()
        };
        return CliProcess.run(CliProcess.environment(server), new byte[0], concat(flags, objects));
    }

    @Test
    void policyPrintsTheGoldenDocuments() throws Exception {
        CliProcess.Result result = CliProcess.run(
                Map.of(),
                new byte[0],
                "policy",
                "--stream-arn",
                "arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders",
                "--kms-key-arn",
                "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "--vpce-id",
                "vpce-0a1b2c3d4e5f60718",
                "--kms-vpce-id",
                "vpce-0123456789abcdef0",
                "--role-arn",
                "arn:aws:iam::111122223333:role/orders-producer",
                "--principal",
                "arn:aws:iam::111122223333:role/orders-service",
                "--consumer-principal",
                "arn:aws:iam::111122223333:role/orders-reader",
                "--external-id",
                "orders-7f3c9a");
        assertThat(result.exitCode()).as(result.err()).isZero();
        String golden;
        try (var in = CliIT.class.getResourceAsStream("/policy-golden.txt")) {
            golden = new String(in.readAllBytes(), UTF_8);
        }
        assertThat(result.out()).isEqualTo(golden);
    }

    @Test
    void policyListsTheFipsAndDualStackEndpointsOfTheStreamsPartitionAndRefusesWhereThereAreNone() throws Exception {
        CliProcess.Result china = CliProcess.run(
                Map.of(),
                new byte[0],
                "policy",
                "--stream-arn",
                "arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders",
                "--role-arn",
                "arn:aws-cn:iam::111122223333:role/orders-producer",
                "--dual-stack");
        assertThat(china.exitCode()).as(china.err()).isZero();
        assertThat(china.out())
                .contains("\"Resource\": \"arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders\"")
                .endsWith("firehose https://firehose.cn-north-1.api.amazonwebservices.com.cn\n"
                        + "sts https://sts.cn-north-1.api.amazonwebservices.com.cn\n\n");

        CliProcess.Result fips = CliProcess.run(
                Map.of(),
                new byte[0],
                "policy",
                "--stream-arn",
                "arn:aws:firehose:us-gov-west-1:111122223333:deliverystream/orders",
                "--kms-key-arn",
                "arn:aws:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "--fips");
        assertThat(fips.exitCode()).as(fips.err()).isEqualTo(1);
        assertThat(fips.err()).contains("error: ").contains("is in partition aws-us-gov");

        CliProcess.Result gov = CliProcess.run(
                Map.of(),
                new byte[0],
                "policy",
                "--stream-arn",
                "arn:aws-us-gov:firehose:us-gov-west-1:111122223333:deliverystream/orders",
                "--kms-key-arn",
                "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "--fips");
        assertThat(gov.exitCode()).as(gov.err()).isZero();
        assertThat(gov.out())
                .endsWith("firehose https://firehose-fips.us-gov-west-1.amazonaws.com\n"
                        + "kms https://kms-fips.us-gov-west-1.amazonaws.com\n\n");

        CliProcess.Result noFips = CliProcess.run(
                Map.of(),
                new byte[0],
                "policy",
                "--stream-arn",
                "arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders",
                "--fips");
        assertThat(noFips.exitCode()).isEqualTo(1);
        assertThat(noFips.out()).as("nothing printed before the refusal").isEmpty();
        assertThat(noFips.err()).contains("error: --fips: firehose has no FIPS endpoint in eu-west-1");
    }

    @Test
    void checkPassesACompliantStreamAndFailsAnUnprotectedOne() {
        LocalFirehose server = server(LocalFirehose.builder().stream("good", StreamPosture.compliant(KMS_KEY)).stream(
                "bad", StreamPosture.unprotected()));
        CliProcess.Result good = against(server, new byte[0], "check", "--stream", "good");
        assertThat(good.exitCode()).as(good.out() + good.err()).isZero();
        assertThat(good.out())
                .contains("INFO connection: endpoint " + server.endpoint()
                        + ", region us-east-1, partition aws, TLS policy MODERN")
                .contains("INFO endpoint-addresses: localhost resolves to")
                .containsPattern("PASS tls: TLSv1\\.[23] TLS_\\S+ with localhost")
                .contains("PASS sse-enabled: server-side encryption ENABLED")
                .contains("PASS sse-customer-managed-key: customer managed key " + KMS_KEY)
                .contains("check: 6 passed, 0 warning(s), 0 failed");

        CliProcess.Result bad = against(server, new byte[0], "check", "--stream", "bad");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out())
                .contains("FAIL sse-enabled: server-side encryption DISABLED -> enable it")
                .contains("WARN error-logging: CloudWatch error logging is off")
                .contains("2 failed");
    }

    @Test
    void checkAssumesTheRoleWhenGivenOne() {
        String role = "arn:aws:iam::000000000000:role/operator";
        LocalFirehose server = server(LocalFirehose.builder().stream("good", StreamPosture.compliant(KMS_KEY))
                .role(role)
                .requireSessionCredentials(true));
        CliProcess.Result result = against(
                server,
                new byte[0],
                "check",
                "--stream",
                "good",
                "--role-arn",
                role,
                "--sts-endpoint",
                server.endpoint().toString());
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("PASS credentials: assumed " + role);
        assertThat(server.assumeRoleRequests()).hasSize(1);
    }

    @Test
    void checkReportsAnEndpointWithWeakTls() {
        LocalFirehose weak = server(LocalFirehose.builder().stream("orders")
                .tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        CliProcess.Result result = against(weak, new byte[0], "check", "--stream", "orders");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL tls: handshake with localhost").contains("FAIL describe:");
    }

    @Test
    void theLauncherRunsTheToolAndEveryCommandHasHelp() {
        CliProcess.Result help = CliProcess.runLauncher("--help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).contains("send", "decrypt", "policy", "check", "local");
        for (String command : List.of("send", "decrypt", "policy", "check")) {
            CliProcess.Result commandHelp = CliProcess.runLauncher(command, "--help");
            assertThat(commandHelp.exitCode()).as(command).isZero();
            assertThat(commandHelp.out()).as(command).contains("Usage: firehose-secure " + command);
        }
        CliProcess.Result localHelp = CliProcess.runLauncher("local", "--help");
        assertThat(localHelp.exitCode()).isZero();
        assertThat(localHelp.out()).contains("usage: LocalFirehoseMain");
    }

    @Test
    void localPrintsABlockThatPastedSendsEncryptedChecksCleanlyAndLeavesNoTrustPemBehind() throws Exception {
        Process local = CliProcess.start(Map.of(), "local", "--stream", "orders", "--posture", "compliant");
        open.add(() -> {
            local.destroy();
            if (!local.waitFor(20, TimeUnit.SECONDS)) {
                local.destroyForcibly();
            }
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(local.getInputStream(), UTF_8));
        Map<String, String> environment = new HashMap<>();
        List<String> flags = new ArrayList<>();
        String kmsKey = null;
        String trustPem = null;
        for (int i = 0; i < 40 && flags.isEmpty(); i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("export ")) {
                for (String assignment : line.substring("export ".length()).split(" ")) {
                    environment.put(
                            assignment.substring(0, assignment.indexOf('=')),
                            assignment.substring(assignment.indexOf('=') + 1));
                }
            } else if (line.startsWith("LOCAL=\"")) {
                flags.addAll(List.of(
                        line.substring("LOCAL=\"".length(), line.length() - 1).split(" ")));
            } else if (line.startsWith("KMS key:")) {
                kmsKey = line.substring(line.indexOf(':') + 1).trim();
            } else if (line.startsWith("trust PEM:")) {
                trustPem = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        assertThat(environment).containsKeys("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(flags).contains("--endpoint", "--kms-endpoint", "--sts-endpoint", "--trust-pem", "--stream-arn");
        assertThat(kmsKey).isNotNull();
        assertThat(trustPem).isNotNull();
        assertThat(Path.of(trustPem)).exists();

        List<String> send = new ArrayList<>(List.of("send", "--stream", "orders", "--kms-key", kmsKey));
        send.addAll(flags);
        CliProcess.Result sent = CliProcess.run(environment, lines(3), send.toArray(new String[0]));
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().trim()).isEqualTo("sent=3 failed=0");
        List<String> check = new ArrayList<>(List.of("check", "--stream", "orders"));
        check.addAll(flags);
        CliProcess.Result checked = CliProcess.run(environment, new byte[0], check.toArray(new String[0]));
        assertThat(checked.exitCode()).as(checked.out() + checked.err()).isZero();
        assertThat(checked.out()).contains("0 warning(s), 0 failed");

        local.destroy(); // SIGTERM, as Ctrl-C: the shutdown removes the trust PEM it wrote to the temp directory
        assertThat(local.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Path.of(trustPem)).doesNotExist();
    }

    @Test
    void localRunsAnEndpointTheToolCanSendTo() throws Exception {
        Path pem = dir.resolve("local-ca.pem");
        Process local = CliProcess.start(Map.of(), "local", "--stream", "demo", "--trust-pem", pem.toString());
        open.add(() -> {
            local.destroy();
            if (!local.waitFor(20, TimeUnit.SECONDS)) {
                local.destroyForcibly();
            }
        });
        Map<String, String> printed = new HashMap<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(local.getInputStream(), UTF_8));
        for (int i = 0; i < 20 && printed.size() < 5; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("LocalFirehose listening on ")) {
                printed.put("endpoint", line.substring("LocalFirehose listening on ".length()));
            } else if (line.contains(":")) {
                printed.put(
                        line.substring(0, line.indexOf(':')).trim(),
                        line.substring(line.indexOf(':') + 1).trim());
            }
        }
        assertThat(printed).containsKeys("endpoint", "access key id", "secret access key", "trust PEM");
        CliProcess.Result sent = CliProcess.run(
                Map.of(
                        "AWS_ACCESS_KEY_ID", printed.get("access key id"),
                        "AWS_SECRET_ACCESS_KEY", printed.get("secret access key"),
                        "AWS_REGION", "us-east-1"),
                lines(5),
                "send",
                "--stream",
                "demo",
                "--endpoint",
                printed.get("endpoint"),
                "--trust-pem",
                printed.get("trust PEM"));
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out().trim()).isEqualTo("sent=5 failed=0");
    }
}
