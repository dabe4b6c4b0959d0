package io.securefirehose.samples.spring;

import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.RecordTooLargeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /events}: sends the body as one record and answers from its future, without holding a request
 * thread while Firehose answers: 200 with Firehose's record id, 413 for a record over Firehose's limit, 503 when
 * the buffer is full or the service is shutting down, 502 when the record was not delivered.
 */
@RestController
class EventsController {

    private final SecureFirehoseProducer producer;

    EventsController(SecureFirehoseProducer producer) {
        this.producer = producer;
    }

    @PostMapping("/events")
    CompletableFuture<ResponseEntity<String>> post(@RequestBody byte[] event) {
        CompletableFuture<RecordReceipt> sent;
        try {
            sent = producer.send(event);
        } catch (RecordTooLargeException e) {
            return CompletableFuture.completedFuture(answer(HttpStatus.CONTENT_TOO_LARGE, e.getMessage()));
        } catch (BufferExhaustedException | IllegalStateException e) {
            return CompletableFuture.completedFuture(answer(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
        }
        return sent.handle((receipt, error) -> error == null
                ? ResponseEntity.ok(receipt.recordId() + "\n")
                : answer(HttpStatus.BAD_GATEWAY, cause(error).getMessage()));
    }

    private static ResponseEntity<String> answer(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(message + "\n");
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
