package com.saasspend.atlassian.sim;

/**
 * Stable credentials and identifiers of the shipped demo world ({@code seeds/demo-org.json}) and of
 * {@link WorldGenerator} worlds, which reuse the Acme org id, keys and tokens so the same client
 * configuration works against both. These are fake values that only this simulator accepts.
 */
public final class DemoCredentials {
    private DemoCredentials() {}

    // ---- Acme Corp: centralized user management, one directory
    public static final String ORG_ID = "4f7c1a9e-2b3d-4e8f-9a6b-5c0d1e2f3a4b";
    public static final String ORG_NAME = "Acme Corp";
    public static final String DIRECTORY_ID = "0c6e4d2a-8f1b-4c3d-9e5a-7b2f6a1d0e93";
    /** Unscoped org API key (Bearer), the kind the product asks admins for. */
    public static final String ORG_API_KEY = "ATCTT3xFfGN0simAcmeOrgKeyQ2x8Vt4mWq9Lz3Rk7Hn1Bp5Yd6Gs0Fj2Tc=4E7A91C2";
    public static final String ORG_API_KEY_EXPIRES_AT = "2027-09-30T00:00:00Z";
    /** A scoped key with read scopes only: reads work, membership changes and suspend/restore get 403. */
    public static final String ORG_READ_ONLY_API_KEY = "ATCTT3xFfGN0simAcmeReadOnlyKeyM4n7Qp2Ws9Xe5Ru1Ty8Io3Pa6Sd=1B9D0F3E";

    // ---- Jira + Confluence site of Acme
    public static final String SITE_HOST = "acme.atlassian.net";
    public static final String SITE_ADMIN_EMAIL = "it-admin@acme.com";
    public static final String SITE_ADMIN_ACCOUNT_ID = "712020:6b1f0c2e-9a4d-4f7e-8c35-1d2a3b4c5e6f";
    public static final String SITE_API_TOKEN = "ATATT3xFfGF0simAcmeSiteTokenJ8k2Lm5Nq9Rs3Tv7Wx1Yz4Ab6Cd0Ef=5C2A7B10";

    // ---- Trello Enterprise of Acme
    public static final String TRELLO_API_KEY = "8e3f1b2c4d5a69708192a3b4c5d6e7f8";
    public static final String TRELLO_TOKEN = "ATTA9f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0A1B2C3D4";
    public static final String TRELLO_ENTERPRISE_ID = "64b0c1d2e3f4a5b6c7d8e9f0";
    public static final String TRELLO_WORKSPACE_ID = "64b0c1d2e3f4a5b6c7d8e9f1";

    // ---- Bitbucket workspaces of Acme
    /** Linked to the org: members are the users the org grants Bitbucket. */
    public static final String BITBUCKET_LINKED_WORKSPACE = "acme-eng";
    /** Created directly in Bitbucket, not linked to the org: its own member list. */
    public static final String BITBUCKET_DIRECT_WORKSPACE = "acme-labs";
    public static final String BITBUCKET_EMAIL = SITE_ADMIN_EMAIL;
    public static final String BITBUCKET_API_TOKEN = "ATATT3xFfGF0simAcmeBitbucketTokenP3q6Rs9Tu2Vw5Xy8Za1Bc4De7=9D4E2F61";

    // ---- Globex: original user management (two directories), one unverified domain (demo seed only)
    public static final String ORIGINAL_UM_ORG_ID = "9a2b7c4d-1e3f-4a5b-8c6d-2e4f6a8b0c1d";
    public static final String ORIGINAL_UM_API_KEY = "ATCTT3xFfGN0simGlobexOrgKeyR5t8Yu1Io4Pa7Sd0Fg3Hj6Kl9Zx2Cv=3F8B6A2D";
}
