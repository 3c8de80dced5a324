package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.licenses.LicenseService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserCsvTest {
    private static final Instant SEPT = Instant.parse("2026-09-01T10:00:00Z");
    private static final Instant NOV = Instant.parse("2026-11-29T08:30:00Z");

    private static LicenseService.UserRow row(String id, String name, String email, List<LicenseService.ProductUse> products,
                                              List<OrgUser.GroupRef> groups) {
        return new LicenseService.UserRow(id, name, email, "atlassian", "active", "active", products, groups);
    }

    @Test
    void aHeaderRowThenOneCrlfLinePerUserWithEachProductsStatusAndTheLatestUse() {
        UserCsv csv = new UserCsv(1_000_000);
        assertTrue(csv.add(row("acc-1", "Ann Lee", "ann@acme.example",
                List.of(new LicenseService.ProductUse("jira-software", "ari:j", SEPT, "inactive"),
                        new LicenseService.ProductUse("confluence", "ari:c", null, "never"),
                        new LicenseService.ProductUse("trello", "ari:t", NOV, "active")),
                List.of(new OrgUser.GroupRef("g1", "jira-users"), new OrgUser.GroupRef("g2", null)))));
        assertTrue(csv.add(row("acc-2", null, null, List.of(), List.of())));
        assertEquals("Account ID,Name,Email,Account type,Account status,Membership status,Last active,Products,Groups\r\n"
                + "acc-1,Ann Lee,ann@acme.example,atlassian,active,active,2026-11-29T08:30:00Z,"
                + "jira-software: inactive since 2026-09-01; confluence: never used; trello: active (last 2026-11-29),jira-users; g2\r\n"
                + "acc-2,,,atlassian,active,active,,,\r\n", csv.text());
        assertEquals(2, csv.rows());
    }

    @Test
    void fieldsWithCommasQuotesOrLineBreaksAreQuotedWithQuotesDoubled() {
        assertEquals("\"Lee, Ann\"", UserCsv.cell("Lee, Ann"));
        assertEquals("\"Ann \"\"the admin\"\" Lee\"", UserCsv.cell("Ann \"the admin\" Lee"));
        assertEquals("\"two\nlines\"", UserCsv.cell("two\nlines"));
        assertEquals("\"cr\rhere\"", UserCsv.cell("cr\rhere"));
        assertEquals("Zoë Ünal 山田", UserCsv.cell("Zoë Ünal 山田"), "non-ASCII text as is (the body is UTF-8)");
        assertEquals("", UserCsv.cell(""));
    }

    @Test
    void aCellASpreadsheetWouldRunAsAFormulaIsDefused() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\")\"", UserCsv.cell("=HYPERLINK(\"http://x\")"), "prefixed, then quoted for its quotes");
        assertEquals("'+1 555", UserCsv.cell("+1 555"));
        assertEquals("'-2+3", UserCsv.cell("-2+3"));
        assertEquals("'@SUM(A1)", UserCsv.cell("@SUM(A1)"));
        assertEquals("'\tTAB", UserCsv.cell("\tTAB"));
        assertEquals("\"'=1,2\"", UserCsv.cell("=1,2"));
        assertEquals("a=b", UserCsv.cell("a=b"), "only a leading character matters");
        UserCsv csv = new UserCsv(1_000);
        csv.add(row("acc-3", "=cmd|' /C calc'!A0", "@evil.example", List.of(), List.of()));
        assertTrue(csv.text().contains(",'=cmd|' /C calc'!A0,'@evil.example,"), csv.text());
    }

    @Test
    void aRowThatWouldPassTheBudgetIsNotAddedAndTheTextStaysWithinIt() {
        UserCsv csv = new UserCsv(300);
        int added = 0;
        while (csv.add(row("acc-" + added, "Zoë \"Q\" Ünal", "z@acme.example", List.of(), List.of()))) {
            added++;
        }
        assertTrue(added > 0, "some rows fit");
        assertFalse(csv.add(row("acc-" + added, "Zoë \"Q\" Ünal", "z@acme.example", List.of(), List.of())), "still refused");
        assertEquals(added, csv.rows());
        assertTrue(UserCsv.cost(csv.text()) <= 300, "within the budget: " + UserCsv.cost(csv.text()));
        assertEquals(added + 1, csv.text().split("\r\n").length, "the header and every accepted row, no partial row");
    }

    @Test
    void theCostIsNeverBelowTheUtf8BytesNorTheJsonEscapedLength() {
        for (String s : List.of("plain ascii", "quote\" and \\ backslash", "Zoë 山田 \uD83D\uDE00", "line\r\nbreak\ttab")) {
            long cost = UserCsv.cost(s);
            assertTrue(cost >= s.getBytes(StandardCharsets.UTF_8).length, s);
            String escaped = com.saasspend.integration.common.Json.MAPPER.valueToTree(s).toString();
            assertTrue(cost >= escaped.length() - 2, s + ": " + escaped);
        }
    }
}
