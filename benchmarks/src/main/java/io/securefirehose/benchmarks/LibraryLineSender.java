package io.securefirehose.benchmarks;

import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

/**
 * What a service using the library writes to send lines: the producer built with the settings {@code bin/firehose-secure
 * send} gives it for the same flags, each line (newline kept) sent as one record, read in 64 KiB blocks. The
 * reference {@link CliSendDriver} holds the CLI to.
 */
final class LibraryLineSender {

    private LibraryLineSender() {}

    /**
     * @param args stream, region, endpoint (also STS's), trust PEM file, role ARN, allowed CIDR
     * @param input the lines
     * @return 0 if every record was acknowledged
     */
    // Outcomes are counted in the callback; the future whenComplete returns has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    static int run(String[] args, InputStream input) throws IOException {
        URI endpoint = URI.create(args[2]);
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        try (SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                .deliveryStream(args[0])
                .region(args[1])
                .endpoint(endpoint)
                .trustMaterial(TrustMaterial.fromPemFile(Path.of(args[3])))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .assumeRole(AssumeRole.role(args[4]).stsEndpoint(endpoint).build())
                .allowedCidrs(args[5])
                .build()) {
            byte[] block = new byte[64 * 1024];
            byte[] line = new byte[1024];
            int lineLength = 0;
            for (int read = input.read(block); read >= 0; read = input.read(block)) {
                for (int i = 0; i < read; i++) {
                    if (lineLength == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[lineLength++] = block[i];
                    if (block[i] == '\n') {
                        CompletableFuture<RecordReceipt> sent = producer.send(Arrays.copyOf(line, lineLength));
                        sent.whenComplete((receipt, error) -> (error == null ? acknowledged : failed).increment());
                        lineLength = 0;
                    }
                }
            }
            if (lineLength > 0) {
                producer.send(Arrays.copyOf(line, lineLength))
                        .whenComplete((receipt, error) -> (error == null ? acknowledged : failed).increment());
            }
            producer.flush();
        }
        System.out.println("sent=" + acknowledged.sum() + " failed=" + failed.sum());
        return failed.sum() == 0 ? 0 : 1;
    }
}
