package com.saasspend.atlassian.local;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An HTTP request as it reached the local gateway, before API Gateway's processing: headers in arrival order, raw body. */
public record GatewayRequest(String method, String rawPath, String rawQueryString, List<Map.Entry<String, String>> headers,
                             byte[] body, String sourceIp, String protocol) {

    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    public String methodUpper() {
        return method.toUpperCase(Locale.ROOT);
    }
}
