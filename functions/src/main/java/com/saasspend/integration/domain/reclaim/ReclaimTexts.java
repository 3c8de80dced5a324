package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.UpstreamFailure;

/** The words reclaim and undo show an admin, in one place: each says what happened and what to do. */
final class ReclaimTexts {
    private ReclaimTexts() {}

    static final String NOT_A_MEMBER = "Atlassian says, and a fresh read of the user's groups confirms, that the user was already "
            + "not a member of this group. No seat is counted freed for it.";
    static final String REMOVED_CONFIRMED = "The run that removed the user was interrupted; Atlassian's own list of the "
            + "user's groups confirms the removal.";
    static final String NOT_FOUND_BUT_MEMBER = "Atlassian answered 404 (not a member), but a fresh read of the user's groups "
            + "still lists the group. Nothing is counted freed; reclaim this group again later.";
    static final String NOT_FOUND_UNCONFIRMED = "Atlassian answered 404 (not a member), and the user's groups could not be read "
            + "again to confirm it. Nothing is counted freed; reclaim this group again later if the user still has it.";
    static final String INTERRUPTED_UNKNOWN = "The run was interrupted and Atlassian could not be asked afterwards whether this "
            + "membership changed (the Atlassian integration is not connected). Check the group in admin.atlassian.com.";
    static final String INTERRUPTED_NOT_STARTED = "Not attempted: the run was interrupted before this group, and the Atlassian "
            + "integration is no longer connected. The user is still a member.";

    static final String SEAT_LIMIT = "Atlassian refused to add the user back: an app this group grants is at its user limit "
            + "(license limit exceeded). The user is NOT back in the group and has not regained its access. Free a seat "
            + "(or raise the app's user limit) in admin.atlassian.com, then undo again.";
    static final String ALREADY_MEMBER = "The user is already a member of this group again.";
    static final String CONFLICT_NOT_MEMBER = "Atlassian answered 409 (conflict) to adding the user back, yet the user is not a "
            + "member of the group. Undo again later; if it keeps failing, add the user in admin.atlassian.com.";
    static final String GROUP_OR_USER_GONE = "The group or the user no longer exists in the organization (HTTP 404).";

    static String outOfTime(boolean undo) {
        return "Not attempted: the request ran out of time before this group. " + (undo
                ? "The user is still not a member; undo again to finish."
                : "The user is still a member; reclaim this group again if you still want it removed.");
    }

    static String stoppedEarlier(String because, boolean undo) {
        return "Not attempted, because Atlassian failed on an earlier group (" + because + "). " + (undo
                ? "The user is still not a member; undo again later."
                : "The user is still a member.");
    }

    static String removalFailed(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case UNAUTHORIZED -> "Atlassian rejected the organization API key (HTTP 401). Rotate it in Settings > Integrations. "
                    + "The user is still a member.";
            case RATE_LIMITED -> "Atlassian kept rate limiting the request" + (failure.retryAfterSeconds() == null ? ""
                    : " (retry after " + failure.retryAfterSeconds() + " s)") + ". The user is still a member; try again later.";
            default -> failure.getMessage() + " The user is still a member as far as we know; try again later.";
        };
    }

    static String refused(UpstreamFailure failure, boolean undo) {
        return "Atlassian refused the change (HTTP 403): " + failure.getMessage() + (undo ? ""
                : " A group synced from an identity provider is changed there; an API key with scopes cannot change groups.");
    }

    static String undoFailed(UpstreamFailure failure) {
        return failure.getMessage() + " The user is still not a member; undo again later.";
    }
}
