"""Differential test of moto_server.py's write speed-ups (MOTO_SPEEDUPS): moto's DynamoDB, in this process, answers
the same randomized writes with the speed-ups out (moto 5.2.5 with our transaction fixes, as figure 2's stock row) and
in, and must give the same answer to each request and hold the same items after each.

Run: .venv/bin/python -m unittest discover -s infra/scripts/tests (stdlib only; moto from the project's .venv).
"""
import base64
import json
import pathlib
import random
import sys
import unittest

# One moto_server module for every test of the run: each copy loaded would patch moto (and werkzeug) once more.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import moto_server  # noqa: E402  (patches moto on import)

from moto.core.parse import JSONParser  # noqa: E402  (after moto_server: it patches moto first)
from moto.core.utils import get_service_model  # noqa: E402
from moto.dynamodb.exceptions import ItemSizeTooLarge  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402
from moto.dynamodb.models.dynamo_type import DynamoType, Item  # noqa: E402
from moto.server import create_backend_app  # noqa: E402

ACCOUNT = "123456789012"
TABLES = ("state", "other")


class Emulator:
    """moto's DynamoDB app in-process, one region per variant (each region is its own backend)."""

    def __init__(self, region, fast):
        self.region = region
        self.fast = fast
        self.client = create_backend_app("dynamodb").test_client()

    def call(self, operation, body):
        moto_server.use_speedups(self.fast)
        try:
            response = self.client.post("/", data=json.dumps(body), headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810." + operation,
                "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/" + self.region
                                 + "/dynamodb/aws4_request, SignedHeaders=host, Signature=x"})
        except Exception as e:  # what moto_server answers 500 for (an expression moto cannot parse)
            return 500, type(e).__name__ + ": " + str(e)
        text = response.get_data(as_text=True)
        return response.status_code, json.loads(text) if text else None

    def items(self):
        """Every stored item of every table, as moto would answer it, keyed by table and key."""
        backend = dynamodb_backends[ACCOUNT][self.region]
        stored = {}
        for name in TABLES:
            table = backend.tables.get(name)
            if table is None:
                continue
            for item in table.all_items():
                stored[(name, item.hash_key.value, item.range_key.value)] = item.to_json()["Attributes"]
        return stored


def s(value):
    return {"S": value}


class RandomWrites:
    """Writes over a few keys (so conditions pass and fail, and transactions collide), with the expressions our sync
    and reclaim send and some they do not."""

    KEYS = [("TENANT#t1", "USER#" + str(i)) for i in range(6)] + [("TENANT#t1", "SYNCSTATE#atlassian")]
    OWNERS = ["owner-a", "owner-b"]

    def __init__(self, seed):
        self.rnd = random.Random(seed)

    def value(self, depth=0):
        r = self.rnd
        kinds = ["S", "N", "BOOL", "NULL", "B", "SS", "NS", "BS"] + (["L", "M"] if depth < 3 else [])
        kind = r.choice(kinds)
        if kind == "S":
            return s(r.choice(["", "a", "ünïcødé", "x" * r.randint(1, 40)]))
        if kind == "N":
            return {"N": r.choice(["0", "1", "-7", "3.25", "12345678901234567890", "1e3"])}
        if kind == "BOOL":
            return {"BOOL": r.random() < 0.5}
        if kind == "NULL":
            return {"NULL": True}
        if kind == "B":
            return {"B": base64.b64encode(bytes(r.randrange(256) for _ in range(r.randint(1, 8)))).decode()}
        if kind == "SS":
            return {"SS": sorted({r.choice("abcdef") * r.randint(1, 3) for _ in range(r.randint(1, 4))})}
        if kind == "NS":
            return {"NS": sorted({str(r.randint(-50, 50)) for _ in range(r.randint(1, 4))})}
        if kind == "BS":
            return {"BS": sorted({base64.b64encode(bytes([r.randrange(256)])).decode() for _ in range(r.randint(1, 3))})}
        if kind == "L":
            return {"L": [self.value(depth + 1) for _ in range(r.randint(0, 4))]}
        return {"M": {r.choice(["id", "name", "key", "lastActive", "ü"]) + str(i): self.value(depth + 1)
                      for i in range(r.randint(0, 4))}}

    def item(self, key):
        r = self.rnd
        item = {"pk": s(key[0]), "sk": s(key[1]), "kind": s("user"), "n": {"N": str(r.randint(0, 9))}}
        for i in range(r.randint(0, 12)):
            item["a" + str(i)] = self.value()
        if r.random() < 0.05:
            # Malformed values as a client could send them: moto's request parsing must treat them alike both ways.
            item["odd"] = r.choice([{"N": "1", "S": "a"}, {"X": "1"}, {"S": None, "BOOL": True}, {"M": {"k": {"SS": ["a"], "Y": 2}}},
                                    {"L": [None, {"B": "AAE="}]}, {}, {"S": None}, {"BOOL": None}, {"N": 12}, "S",
                                    {"L": "abc"}, {"L": {"a": {"S": "x"}}}, {"M": ["x"]}, {"M": {"k": "S"}}, {"L": [{"S": None}]}])
        if key[1].startswith("SYNCSTATE"):
            item["leaseOwner"] = s(r.choice(self.OWNERS))
        if r.random() < 0.3:
            item["ixPk"] = s("TENANT#t1#IX")
            item["ixName"] = s(r.choice(["ann", "bob", "cy"]) + "#" + key[1])
        if r.random() < 0.04:
            # Past moto's 405,000-byte item limit, sometimes only with the attributes after the first big one.
            item["big1"] = s("x" * r.choice([150_000, 250_000, 410_000]))
            item["big2"] = s("y" * 200_000)
        return item

    def key(self):
        pk, sk = self.rnd.choice(self.KEYS)
        return {"pk": s(pk), "sk": s(sk)}

    def put(self, table="state"):
        r = self.rnd
        key = self.key()
        put = {"TableName": table, "Item": self.item((key["pk"]["S"], key["sk"]["S"]))}
        condition = r.choice([None, "attribute_not_exists(pk)", "attribute_exists(pk)", "n < :n",
                              "attribute_not_exists(pk) OR #k = :k", "size(a0) > :z", "n = :n AND (",
                              "begins_with(sk, :p)", "n IN (:n, :z)", "n BETWEEN :z AND :n", "contains(a1, :k)"])
        if condition is not None:
            put["ConditionExpression"] = condition
            values = {":n": {"N": str(r.randint(0, 9))}, ":k": s("user"), ":z": {"N": str(r.randint(0, 3))},
                      ":p": s("USER#")}
            used = {name: v for name, v in values.items() if name in condition}
            if used:
                put["ExpressionAttributeValues"] = used
            if "#k" in condition:
                put["ExpressionAttributeNames"] = {"#k": "kind"}
            if r.random() < 0.3:
                put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return put

    def update(self, table="state"):
        r = self.rnd
        update = {"TableName": table, "Key": self.key()}
        clauses = r.choice([
            ("SET #n = :v, a0 = :w", {":v": self.value(), ":w": self.value()}, {"#n": "name"}),
            ("SET a1 = :v REMOVE a2", {":v": self.value()}, None),
            ("ADD n :one", {":one": {"N": "1"}}, None),
            ("ADD tags :t", {":t": {"SS": ["x", "y"]}}, None),
            ("SET m = if_not_exists(m, :e)", {":e": {"M": {}}}, None),
            ("SET m.x = :v", {":v": self.value()}, None),
            ("SET l = list_append(if_not_exists(l, :e), :v)", {":e": {"L": []}, ":v": {"L": [self.value()]}}, None),
            ("REMOVE a0, a1", None, None),
            ("SET big = :b", {":b": s("z" * r.choice([100, 300_000, 420_000]))}, None),
        ])
        update["UpdateExpression"] = clauses[0]
        values = dict(clauses[1] or {})
        names = dict(clauses[2] or {})
        if r.random() < 0.5:
            update["ConditionExpression"] = r.choice(["attribute_exists(pk)", "n >= :zero", "attribute_not_exists(gone)"])
            if ":zero" in update["ConditionExpression"]:
                values[":zero"] = {"N": "0"}
        if values:
            update["ExpressionAttributeValues"] = values
        if names:
            update["ExpressionAttributeNames"] = names
        return update

    def delete(self, table="state"):
        delete = {"TableName": table, "Key": self.key()}
        if self.rnd.random() < 0.6:
            delete["ConditionExpression"] = self.rnd.choice(["attribute_exists(pk)", "kind = :k"])
            if ":k" in delete["ConditionExpression"]:
                delete["ExpressionAttributeValues"] = {":k": s("user")}
        return delete

    def lease_check(self):
        return {"TableName": "state", "Key": {"pk": s("TENANT#t1"), "sk": s("SYNCSTATE#atlassian")},
                "ConditionExpression": "leaseOwner = :o",
                "ExpressionAttributeValues": {":o": s(self.rnd.choice(self.OWNERS))}}

    def request(self):
        r = self.rnd
        roll = r.random()
        if roll < 0.15:
            return "PutItem", self.put()
        if roll < 0.25:
            return "UpdateItem", self.update()
        if roll < 0.3:
            return "DeleteItem", self.delete()
        actions = [{"ConditionCheck": self.lease_check()}] if r.random() < 0.7 else []
        for _ in range(r.randint(1, 12)):
            table = r.choice(TABLES)
            kind = r.choice(["Put", "Put", "Put", "Update", "Delete", "ConditionCheck"])
            if kind == "Put":
                actions.append({"Put": self.put(table)})
            elif kind == "Update":
                actions.append({"Update": self.update(table)})
            elif kind == "Delete":
                actions.append({"Delete": self.delete(table)})
            else:
                check = self.delete(table)
                check.setdefault("ConditionExpression", "attribute_exists(pk)")
                actions.append({"ConditionCheck": check})
        if r.random() < 0.5:
            # Distinct keys only (moto refuses a key twice); some transactions keep the duplicate, to be refused.
            seen, unique = set(), []
            for action in actions:
                (kind, op), = action.items()
                key = op.get("Key") or {"pk": op["Item"]["pk"], "sk": op["Item"]["sk"]}
                marker = (op["TableName"], key["pk"]["S"], key["sk"]["S"])
                if marker not in seen:
                    seen.add(marker)
                    unique.append(action)
            actions = unique
        return "TransactWriteItems", {"TransactItems": actions}


class MotoWritesTest(unittest.TestCase):
    SEEDS = range(1, 6)
    REQUESTS = 150

    def test_same_answers_and_items_with_and_without_the_speed_ups(self):
        for seed in self.SEEDS:
            with self.subTest(seed=seed):
                stock, fast = Emulator("us-east-1", fast=False), Emulator("eu-west-1", fast=True)
                # Fresh tables per seed.
                for emulator in (stock, fast):
                    for table in TABLES:
                        emulator.call("DeleteTable", {"TableName": table})
                        status, answer = emulator.call("CreateTable", {
                            "TableName": table, "BillingMode": "PAY_PER_REQUEST",
                            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "ixPk", "ixName")],
                            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                            "GlobalSecondaryIndexes": [{"IndexName": "ByName", "Projection": {"ProjectionType": "ALL"}, "KeySchema": [
                                {"AttributeName": "ixPk", "KeyType": "HASH"}, {"AttributeName": "ixName", "KeyType": "RANGE"}]}]})
                        self.assertEqual(200, status, answer)
                writes = RandomWrites(seed)
                outcomes = set()
                for n in range(self.REQUESTS):
                    operation, body = writes.request()
                    expected = stock.call(operation, body)
                    actual = fast.call(operation, body)
                    where = "seed %d, request %d: %s %s" % (seed, n, operation, json.dumps(body)[:400])
                    self.assertEqual(expected, actual, where)
                    self.assertEqual(stock.items(), fast.items(), where)
                    outcomes.add(True if expected[0] == 200 else expected[0] if expected[0] == 500 else expected[1]["__type"].split("#")[-1])
                    # The index reads what the writes left (a query of each variant, both read the same way).
                    query = {"TableName": "state", "IndexName": "ByName", "KeyConditionExpression": "ixPk = :p",
                             "ExpressionAttributeValues": {":p": s("TENANT#t1#IX")}}
                    self.assertEqual(stock.call("Query", query), fast.call("Query", query), where)
                # The randomized writes reached each kind of answer (so the comparison covered them).
                for outcome in (True, "TransactionCanceledException", "ConditionalCheckFailedException", "ValidationException", 500):
                    self.assertIn(outcome, outcomes, "seed %d never answered %s" % (seed, outcome))

    def test_requests_parse_to_the_same_parameters_in_the_same_order(self):
        model = get_service_model("dynamodb")
        writes = RandomWrites(7)
        for n in range(300):
            operation, body = writes.request()
            request = {"method": "POST", "values": {}, "headers": {}, "body": json.dumps(body).encode(), "url_path": "/",
                       "url_params": {}}
            parsed = []
            for fast in (False, True):
                moto_server.use_speedups(fast)
                try:
                    # json.dumps keeps each dict's order: moto reads an attribute value's type as its first key.
                    parsed.append(json.dumps(JSONParser(model.operation_model(operation), map_type=dict).parse(request), default=repr))
                except Exception as e:
                    parsed.append(type(e).__name__)
            self.assertEqual(parsed[0], parsed[1], "request %d: %s" % (n, json.dumps(body)[:400]))

    def test_a_cancelled_transaction_leaves_every_item_as_it_was(self):
        fast = Emulator("ap-south-1", fast=True)
        fast.call("CreateTable", {
            "TableName": "state", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]})
        fast.call("PutItem", {"TableName": "state", "Item": {"pk": s("T"), "sk": s("SYNCSTATE"), "leaseOwner": s("a")}})
        fast.call("PutItem", {"TableName": "state", "Item": {"pk": s("T"), "sk": s("U1"), "v": s("before")}})
        before = fast.items()
        status, answer = fast.call("TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "state", "Item": {"pk": s("T"), "sk": s("U1"), "v": s("after")}}},
            {"Put": {"TableName": "state", "Item": {"pk": s("T"), "sk": s("U2"), "v": s("new")}}},
            {"Update": {"TableName": "state", "Key": {"pk": s("T"), "sk": s("U3")}, "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": s("new")}}},
            {"ConditionCheck": {"TableName": "state", "Key": {"pk": s("T"), "sk": s("SYNCSTATE")},
                                "ConditionExpression": "leaseOwner = :o", "ExpressionAttributeValues": {":o": s("b")}}}]})
        self.assertEqual(400, status)
        self.assertEqual("TransactionCanceledException", answer["__type"].split("#")[-1])
        self.assertEqual(["None", "None", "None", "ConditionalCheckFailed"], [r.get("Code") for r in answer["CancellationReasons"]])
        self.assertEqual(before, fast.items())

    def test_item_sizes_and_the_size_limit_as_moto_computes_them(self):
        writes = RandomWrites(99)
        for n in range(400):
            attrs = writes.item(("P", "S" + str(n)))
            if n % 50 == 0:
                attrs["huge"] = s("h" * 405_000)
            results = []
            for fast in (False, True):
                moto_server.use_speedups(fast)
                try:
                    item = Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), attrs)
                    results.append((item.size(), item.to_json(), [value.size() for value in item.attrs.values()]))
                except ItemSizeTooLarge:
                    results.append("ItemSizeTooLarge")
                except Exception as e:  # a malformed value: moto fails on it, and must fail alike both ways
                    results.append(type(e).__name__)
            self.assertEqual(results[0], results[1], json.dumps(attrs)[:400])
        # At the limit: 405,000 bytes are kept, one more is refused, at the same attribute (moto checks as it adds each).
        at_limit = []
        for pad in (404_991, 404_992):
            for extra_first in (False, True):
                attrs = {"pk": s("P"), "sk": s("S"), "pad": s("p" * pad)}
                if extra_first:
                    attrs = {"pk": s("P"), "x": s("x" * 200_000), "sk": s("S"), "pad": s("p" * (pad - 200_001))}
                results = []
                for fast in (False, True):
                    moto_server.use_speedups(fast)
                    try:
                        results.append(Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), attrs).size())
                    except ItemSizeTooLarge:
                        results.append("ItemSizeTooLarge")
                self.assertEqual(results[0], results[1], (pad, extra_first))
                at_limit.append(results[0])
        self.assertEqual([405_000, 405_000, "ItemSizeTooLarge", "ItemSizeTooLarge"], at_limit)
        # Every kind of value at the limit: an item padded to exactly 405,000 bytes by moto's own count is kept, one byte
        # more is refused, whichever attribute (and kind of value) comes last and trips it.
        for n in range(300):
            attrs = writes.item(("P", "S" + str(n)))
            attrs.pop("big1", None), attrs.pop("big2", None)
            moto_server.use_speedups(False)
            try:
                size = Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), attrs).size()
            except Exception:
                continue  # a malformed value: compared above
            for extra in (0, 1):
                padded = {"pk": attrs["pk"], "pad": s("p" * (405_000 - size - len("pad") + extra))}
                padded.update(attrs)
                results = []
                for fast in (False, True):
                    moto_server.use_speedups(fast)
                    try:
                        results.append(Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), padded).size())
                    except ItemSizeTooLarge:
                        results.append("ItemSizeTooLarge")
                self.assertEqual([405_000 if extra == 0 else "ItemSizeTooLarge"] * 2, results, json.dumps(attrs)[:400])
        # A value that is a DynamoType of DynamoTypes (as moto's updates leave nested values) sizes the same way.
        nested = DynamoType({"M": {"a": {"L": [{"S": "x"}, {"N": "12"}]}, "b": {"SS": ["p", "q"]}, "c": {"BOOL": False}}})
        nested.value["a"].value.append({"M": {"k": {"S": "raw"}}})  # a raw value inside a nested list
        moto_server.use_speedups(False)
        stock = nested.size()
        moto_server.use_speedups(True)
        self.assertEqual(stock, nested.size())

    def tearDown(self):
        moto_server.use_speedups(moto_server.SPEEDUPS)


if __name__ == "__main__":
    unittest.main()
