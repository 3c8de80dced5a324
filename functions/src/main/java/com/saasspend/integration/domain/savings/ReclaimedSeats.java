package com.saasspend.integration.domain.savings;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one reclaim keeps freed now: the seats it freed less those its undo put back, with each seat's monthly price
 * when it was reclaimed (null without one). {@code day}: the UTC day the reclaim was made, the day (and month) it counts for.
 */
public record ReclaimedSeats(String reclaimId, LocalDate day, List<Seat> seats) {
    public record Seat(String resourceId, String productKey, BigDecimal monthlyPrice) {}

    public ReclaimedSeats {
        seats = List.copyOf(seats);
    }

    /** The seats per product instance (resource id). */
    public Map<String, Tally> tallies() {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (Seat seat : seats) {
            Tally one = new Tally(seat.productKey(), 1, seat.monthlyPrice() == null ? 0 : 1, seat.monthlyPrice());
            tallies.merge(seat.resourceId(), one, Tally::plus);
        }
        return tallies;
    }
}
