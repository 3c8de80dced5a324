package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Refusal;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A plan chunk's compressed form: repeats cost next to nothing; what cannot fit an item is refused before any write. */
class DynamoReclaimJobsChunkTest {
    @Test
    void repeatedGroupNamesCompressFarBelowTheItemLimit() {
        String group = "{\"id\":\"g\",\"name\":\"" + "n".repeat(200) + "\"},";
        String chunk = "[" + ("{\"accountId\":\"712020:0001\",\"groups\":[" + group.repeat(20) + "]},").repeat(100) + "]";
        assertTrue(chunk.length() > 400_000);
        assertTrue(DynamoReclaimJobs.compressedChunk(chunk).length < chunk.length() / 20);
    }

    @Test
    void aChunkThatWouldNotFitAnItemEvenCompressedIsRefused() {
        // Random bytes in base64: 6 bits a character, ~75 % after compression.
        byte[] random = new byte[DynamoReclaimJobs.MAX_CHUNK_BYTES + DynamoReclaimJobs.MAX_CHUNK_BYTES / 4];
        new Random(7).nextBytes(random);
        String noise = Base64.getEncoder().encodeToString(random);
        Refusal refused = assertThrows(Refusal.class, () -> DynamoReclaimJobs.compressedChunk(noise));
        assertEquals(Refusal.Kind.INVALID, refused.kind());
        assertEquals("plan_too_large", refused.code());
        assertTrue(refused.getMessage().contains("past the " + DynamoReclaimJobs.MAX_CHUNK_BYTES));
    }
}
