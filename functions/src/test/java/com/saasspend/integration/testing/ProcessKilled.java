package com.saasspend.integration.testing;

import com.saasspend.integration.domain.AtlassianOrgApi;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process dying between two lines: an {@link Error}, so no production catch of exceptions can swallow it, and the
 * test goes on as the next invocation would, with whatever the dead one left behind.
 */
public final class ProcessKilled extends Error {
    public ProcessKilled() {
        super("killed", null, false, false);
    }

    /** The org API, with the process killed right after {@code changes} more membership changes succeeded. */
    public static AtlassianOrgApi afterMembershipChanges(AtlassianOrgApi real, int changes) {
        AtomicInteger left = new AtomicInteger(changes);
        return (AtlassianOrgApi) Proxy.newProxyInstance(ProcessKilled.class.getClassLoader(), new Class<?>[] {AtlassianOrgApi.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().endsWith("Membership") && left.decrementAndGet() == 0) {
                        throw new ProcessKilled();
                    }
                    return result;
                });
    }
}
