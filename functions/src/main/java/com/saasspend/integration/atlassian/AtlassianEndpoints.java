package com.saasspend.integration.atlassian;

import com.saasspend.integration.common.Env;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where Atlassian's APIs live. In production these are Atlassian's public hosts. Locally and in tests they point at
 * the simulator, but only through explicit configuration: a customer can only ever give us a site on
 * {@code *.atlassian.net}, and {@code ATLASSIAN_SITE_ROUTE} (unset in AWS) decides where requests for that site go.
 */
public record AtlassianEndpoints(String adminBaseUrl, String siteRoute, String trelloBaseUrl, String bitbucketBaseUrl) {

    /** A site host as Atlassian hands them out: one DNS label under atlassian.net. */
    private static final Pattern SITE_HOST = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.atlassian\\.net");

    public static AtlassianEndpoints production() {
        return new AtlassianEndpoints("https://api.atlassian.com", null, "https://api.trello.com", "https://api.bitbucket.org");
    }

    public static AtlassianEndpoints from(Env env) {
        AtlassianEndpoints defaults = production();
        return new AtlassianEndpoints(
                strip(env.optional("ATLASSIAN_ADMIN_URL", defaults.adminBaseUrl())),
                env.find("ATLASSIAN_SITE_ROUTE").map(AtlassianEndpoints::strip).orElse(null),
                strip(env.optional("TRELLO_API_URL", defaults.trelloBaseUrl())),
                strip(env.optional("BITBUCKET_API_URL", defaults.bitbucketBaseUrl())));
    }

    /**
     * Checks a site URL an admin typed and answers its canonical host, or empty when it is not an Atlassian Cloud
     * site: https only, no user info, no port, no path beyond "/", no query, a host on atlassian.net.
     */
    public static Optional<String> siteHost(String siteUrl) {
        if (siteUrl == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(siteUrl.trim());
        } catch (Exception e) {
            return Optional.empty();
        }
        String path = uri.getRawPath();
        boolean plain = "https".equalsIgnoreCase(uri.getScheme())
                && uri.getRawUserInfo() == null
                && uri.getPort() == -1
                && (path == null || path.isEmpty() || path.equals("/"))
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null
                && uri.getHost() != null;
        if (!plain) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return SITE_HOST.matcher(host).matches() ? Optional.of(host) : Optional.empty();
    }

    /** Base URL for a validated site host: https://host, or the configured local route to the simulator. */
    public String siteBaseUrl(String host) {
        if (!SITE_HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("Not an Atlassian site host");
        }
        return siteRoute == null ? "https://" + host : siteRoute.replace("{host}", host);
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
