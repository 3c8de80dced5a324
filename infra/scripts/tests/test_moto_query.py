"""Differential test of infra/scripts/moto_server.py's Query path against moto's own.

Tables are built in process (moto's mock_aws, boto3 client); every query is answered twice, once through the patched
`Table.query` (which hands moto only the key range the query reads) and answer serialization, once through moto 5.2.5's
untouched `Table.query` and serializer, and the answers must be identical: items, their order, Count, ScannedCount,
LastEvaluatedKey. Randomized (seeded): base table and global secondary indexes (S and N range keys, one without a range
key, a sparse one), both directions, Limit 1..N or none, paging through with ExclusiveStartKey (the answers' own and
arbitrary ones), every key condition operator, filter expressions, projections, every attribute type, items large
enough for the 1 MB rule, writes, updates and deletes between queries.
Run: .venv/bin/python -m unittest discover -s infra/scripts/tests -v
"""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.dynamodb.models.table import Table  # noqa: E402
from moto.dynamodb.responses import DynamoResult  # noqa: E402

import moto_server  # noqa: E402  (patches moto on import)

TABLE = "t"
NUMBERS = "n"
HASH_ONLY = "h"
ALPHABET = "abc"


def _key(rnd):
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 3)))


def _number(rnd):
    return rnd.choice(["0", "1", "1.0", "-2", "2.5", "3", "10", "-0.5", str(rnd.randint(-20, 20))])


class QueryWindowTest(unittest.TestCase):
    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        self.ddb = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="testing",
                                aws_secret_access_key="testing")
        s, n = "S", "N"
        self.ddb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": t}
                                  for a, t in (("pk", s), ("sk", s), ("gpk", s), ("gsk", s), ("num", n), ("spk", s))],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                self._index("ByName", "gpk", "gsk", {"ProjectionType": "ALL"}),
                self._index("ByNumber", "gpk", "num", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}),
                self._index("ByPartition", "gpk", None, {"ProjectionType": "KEYS_ONLY"}),
                self._index("Sparse", "spk", "gsk", {"ProjectionType": "ALL"}),
            ])
        self.ddb.create_table(
            TableName=NUMBERS, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": s}, {"AttributeName": "sk", "AttributeType": n}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.ddb.create_table(
            TableName=HASH_ONLY, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": s}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.fast = 0
        self.slow = 0
        original_window = moto_server._window

        def counting_window(*args):
            window = original_window(*args)
            if window is None:
                self.slow += 1
            else:
                self.fast += 1
            return window
        moto_server._window = counting_window
        self.addCleanup(setattr, moto_server, "_window", original_window)
        self.written_directly = 0
        original_written = moto_server._items_written_directly

        def counting_written(*args):
            self.written_directly += 1
            return original_written(*args)
        moto_server._items_written_directly = counting_written
        self.addCleanup(setattr, moto_server, "_items_written_directly", original_written)

    def tearDown(self):
        Table.query = moto_server._query
        DynamoResult.execute_result = moto_server._execute_result
        self.mock.stop()

    @staticmethod
    def _index(name, hash_attr, range_attr, projection):
        schema = [{"AttributeName": hash_attr, "KeyType": "HASH"}]
        if range_attr:
            schema.append({"AttributeName": range_attr, "KeyType": "RANGE"})
        return {"IndexName": name, "KeySchema": schema, "Projection": projection}

    # ---- writes

    def _random_item(self, rnd):
        item = {"pk": {"S": rnd.choice(["p0", "p1", "p2"])}, "sk": {"S": _key(rnd)}}
        if rnd.random() < 0.85:
            item["gpk"] = {"S": rnd.choice(["g0", "g1"])}
        if rnd.random() < 0.8:
            item["gsk"] = {"S": _key(rnd)}
        if rnd.random() < 0.8:
            item["num"] = {"N": _number(rnd)}
        if rnd.random() < 0.3:
            item["spk"] = {"S": "s0"}
        item["note"] = {"S": rnd.choice(["x", "y", "z"])}
        # every attribute type, so the answer's JSON is compared for each (binary ones take moto's serializer)
        extra = rnd.choice([None, {"N": _number(rnd)}, {"BOOL": rnd.random() < 0.5}, {"NULL": True}, {"SS": ["a", "b"]},
                            {"NS": ["1", "2.5"]}, {"L": [{"S": "x"}, {"N": "3"}, {"M": {"k": {"BOOL": False}}}]},
                            {"M": {"a": {"S": "é ☃ \U0001F600"}, "b": {"L": []}, "c": {"M": {}}}}, {"B": b"\x00\xffbin"},
                            {"BS": [b"a", b"b"]}, {"S": "quote \" backslash \\ newline \n"}])
        if extra is not None:
            item["extra"] = extra
        size = rnd.choice([10, 10, 10, 200, 2000]) if rnd.random() < 0.97 else rnd.randint(120_000, 300_000)
        item["payload"] = {"S": "." * size}
        return item

    def _write(self, rnd):
        roll = rnd.random()
        if roll < 0.6:
            self.ddb.put_item(TableName=TABLE, Item=self._random_item(rnd))
            self.ddb.put_item(TableName=NUMBERS, Item={"pk": {"S": rnd.choice(["p0", "p1"])}, "sk": {"N": _number(rnd)},
                                                       "v": {"S": _key(rnd)}})
            self.ddb.put_item(TableName=HASH_ONLY, Item={"pk": {"S": _key(rnd)}, "v": {"S": _key(rnd)}})
        elif roll < 0.8:
            key = {"pk": {"S": rnd.choice(["p0", "p1", "p2"])}, "sk": {"S": _key(rnd)}}
            self.ddb.delete_item(TableName=TABLE, Key=key)
            self.ddb.delete_item(TableName=NUMBERS, Key={"pk": {"S": "p0"}, "sk": {"N": _number(rnd)}})
        else:
            # update_item edits the stored item in place: its index keys move (or go: sparse)
            key = {"pk": {"S": rnd.choice(["p0", "p1", "p2"])}, "sk": {"S": _key(rnd)}}
            if rnd.random() < 0.5:
                self.ddb.update_item(TableName=TABLE, Key=key, UpdateExpression="SET gsk = :g, gpk = :p",
                                     ExpressionAttributeValues={":g": {"S": _key(rnd)}, ":p": {"S": "g1"}})
            else:
                self.ddb.update_item(TableName=TABLE, Key=key, UpdateExpression="REMOVE gsk, spk")

    # ---- queries

    def _random_query(self, rnd):
        table = rnd.choice([TABLE, TABLE, TABLE, NUMBERS, HASH_ONLY])
        names, values = {"#h": "pk"}, {}
        index, range_attr, range_type = None, None, None
        if table == TABLE:
            index = rnd.choice([None, "ByName", "ByName", "ByNumber", "ByPartition", "Sparse"])
            hash_attr, hash_value = {None: ("pk", rnd.choice(["p0", "p1", "p2", "p9"])),
                                     "ByName": ("gpk", rnd.choice(["g0", "g1", "g9"])),
                                     "ByNumber": ("gpk", rnd.choice(["g0", "g1"])),
                                     "ByPartition": ("gpk", rnd.choice(["g0", "g1"])),
                                     "Sparse": ("spk", "s0")}[index]
            range_attr, range_type = {None: ("sk", "S"), "ByName": ("gsk", "S"), "ByNumber": ("num", "N"),
                                      "ByPartition": (None, None), "Sparse": ("gsk", "S")}[index]
        elif table == NUMBERS:
            hash_attr, hash_value, range_attr, range_type = "pk", rnd.choice(["p0", "p1"]), "sk", "N"
        else:
            hash_attr, hash_value = "pk", _key(rnd)
        names["#h"] = hash_attr
        values[":h"] = {"S": hash_value}
        condition = "#h = :h"
        if range_attr and rnd.random() < 0.75:
            names["#r"] = range_attr
            operator = rnd.choice(["=", "<", "<=", ">", ">=", "between", "begins_with"] if range_type == "S"
                                  else ["=", "<", "<=", ">", ">=", "between"])
            pick = (lambda: {"S": _key(rnd)}) if range_type == "S" else (lambda: {"N": _number(rnd)})
            values[":a"] = pick()
            if operator == "between":
                values[":b"] = pick()
                condition += " AND #r BETWEEN :a AND :b"
            elif operator == "begins_with":
                values[":a"] = {"S": "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 2)))}
                condition += " AND begins_with(#r, :a)"
            else:
                condition += f" AND #r {operator} :a"
        request = {"TableName": table, "KeyConditionExpression": condition, "ExpressionAttributeNames": names,
                   "ExpressionAttributeValues": values, "ScanIndexForward": rnd.random() < 0.5}
        if index:
            request["IndexName"] = index
        if rnd.random() < 0.8:
            request["Limit"] = rnd.randint(1, 8)
        if table == TABLE and rnd.random() < 0.3:
            names["#n"] = "note"
            values[":n"] = {"S": "x"}
            request["FilterExpression"] = "#n <> :n"
        if table == TABLE and index in (None, "ByName") and rnd.random() < 0.2:
            names["#s"] = "sk"
            request["ProjectionExpression"] = "#h, #s"
        return request

    def _answer(self, query, serialize, request):
        Table.query = query
        DynamoResult.execute_result = serialize
        try:
            answer = self.ddb.query(**request)
        except Exception as refused:  # both paths must refuse alike
            return ("refused", type(refused).__name__, str(refused))
        finally:
            Table.query = moto_server._query
            DynamoResult.execute_result = moto_server._execute_result
        answer.pop("ResponseMetadata", None)
        return answer

    def _both(self, request):
        expected = self._answer(moto_server._original_query, moto_server._original_execute_result, request)
        actual = self._answer(moto_server._query, moto_server._execute_result, request)
        self.assertEqual(expected, actual, f"request {request}")
        return expected

    def _page_through(self, rnd, request):
        pages = 0
        while True:
            answer = self._both(request)
            pages += 1
            if isinstance(answer, tuple) or "LastEvaluatedKey" not in answer or pages > 60:
                return pages
            request = dict(request, ExclusiveStartKey=answer["LastEvaluatedKey"])
            if rnd.random() < 0.1:
                self._write(rnd)

    def _arbitrary_start_key(self, rnd, request):
        """An ExclusiveStartKey that no answer gave: an item's keys (present or not) in the queried partition."""
        table = request["TableName"]
        if table == HASH_ONLY:
            return None
        names = request["ExpressionAttributeNames"]
        hash_value = request["ExpressionAttributeValues"][":h"]
        if table == NUMBERS:
            return {"pk": hash_value, "sk": {"N": _number(rnd)}}
        key = {"pk": {"S": rnd.choice(["p0", "p1", "p2"])}, "sk": {"S": _key(rnd)}}
        index = request.get("IndexName")
        if index is None:
            key["pk"] = hash_value
        else:
            key[names["#h"]] = hash_value
            if index in ("ByName", "Sparse"):
                key["gsk"] = {"S": _key(rnd)}
            elif index == "ByNumber":
                key["num"] = {"N": _number(rnd)}
        return key

    def test_randomized_queries_answer_as_moto_does(self):
        for seed in range(int(os.environ.get("MOTO_QUERY_SEEDS", "6"))):
            with self.subTest(seed=seed):
                rnd = random.Random(seed)
                for _ in range(60):
                    self._write(rnd)
                for _ in range(120):
                    request = self._random_query(rnd)
                    if rnd.random() < 0.25:
                        start = self._arbitrary_start_key(rnd, request)
                        if start is not None:
                            request["ExclusiveStartKey"] = start
                    self._page_through(rnd, request)
                    if rnd.random() < 0.3:
                        self._write(rnd)
        # the comparison is only worth something if the fast path answered: all but the odd cases go through it
        self.assertGreater(self.fast, 0)
        self.assertLess(self.slow, self.fast / 10, f"{self.slow} queries left to moto, {self.fast} windowed")

    def test_a_large_answer_stops_at_one_megabyte_as_moto_does(self):
        big = "." * 300_000
        for i in range(6):
            self.ddb.put_item(TableName=TABLE, Item={"pk": {"S": "p0"}, "sk": {"S": f"a{i}"}, "gpk": {"S": "g0"},
                                                      "gsk": {"S": f"a{i}"}, "payload": {"S": big}})
        for i in range(4):  # past the matching run: only their size can stop the walk
            self.ddb.put_item(TableName=TABLE, Item={"pk": {"S": "p0"}, "sk": {"S": f"b{i}"}, "gpk": {"S": "g0"},
                                                      "gsk": {"S": f"b{i}"}, "payload": {"S": big if i == 3 else "."}})
        for forward in (True, False):
            for index in (None, "ByName"):
                attr = "gsk" if index else "sk"
                hash_attr, hash_value = ("gpk", "g0") if index else ("pk", "p0")
                request = {"TableName": TABLE, "KeyConditionExpression": "#h = :h AND begins_with(#r, :a)",
                           "ExpressionAttributeNames": {"#h": hash_attr, "#r": attr},
                           "ExpressionAttributeValues": {":h": {"S": hash_value}, ":a": {"S": "a"}},
                           "ScanIndexForward": forward}
                if index:
                    request["IndexName"] = index
                first = self._both(request)
                self.assertIn("LastEvaluatedKey", first)  # 1 MB: three 300 KB items fit, the fourth does not
                self._page_through(random.Random(1), request)
                for prefix, limit in (("a5", None), ("a", 7), ("a4", 1)):
                    self._both(dict(request, ExpressionAttributeValues={":h": {"S": hash_value}, ":a": {"S": prefix}},
                                    **({"Limit": limit} if limit else {})))
        self.assertEqual(0, self.slow)

    def test_writes_to_another_table_keep_the_partitions_and_writes_to_this_one_drop_them(self):
        self.ddb.put_item(TableName=TABLE, Item={"pk": {"S": "p0"}, "sk": {"S": "a"}, "gpk": {"S": "g0"}, "gsk": {"S": "a"}})
        request = {"TableName": TABLE, "IndexName": "ByName", "KeyConditionExpression": "gpk = :h",
                   "ExpressionAttributeValues": {":h": {"S": "g0"}}}
        self.assertEqual(1, self._both(request)["Count"])
        backend_table = self._table(TABLE)
        partitions = backend_table.__dict__.get("_partitions")
        self.assertIsNotNone(partitions)
        self.ddb.put_item(TableName=NUMBERS, Item={"pk": {"S": "p0"}, "sk": {"N": "1"}})
        self.assertIs(partitions, backend_table.__dict__.get("_partitions"))
        self.ddb.update_item(TableName=TABLE, Key={"pk": {"S": "p0"}, "sk": {"S": "a"}}, UpdateExpression="SET gsk = :b",
                             ExpressionAttributeValues={":b": {"S": "b"}})
        self.assertNotIn("_partitions", backend_table.__dict__)
        self.assertEqual("b", self._both(request)["Items"][0]["gsk"]["S"])

    def test_a_query_sent_with_the_stock_header_takes_moto_own_path(self):
        for i in range(5):
            self.ddb.put_item(TableName=TABLE, Item={"pk": {"S": "p0"}, "sk": {"S": f"a{i}"}})
        request = {"TableName": TABLE, "KeyConditionExpression": "pk = :h", "Limit": 2,
                   "ExpressionAttributeValues": {":h": {"S": "p0"}}}
        windowed = self._both(request)
        self.assertEqual(1, self.fast)
        written_directly = self.written_directly
        self.assertGreater(written_directly, 0)

        def stock(request, **kwargs):
            request.headers[moto_server.STOCK_QUERY_HEADER] = "1"
        self.ddb.meta.events.register("before-sign.dynamodb.Query", stock)
        answer = self.ddb.query(**request)
        answer.pop("ResponseMetadata", None)
        self.assertEqual(windowed, answer)
        self.assertEqual(1, self.fast, "the stock query did not go through the window")
        self.assertEqual(written_directly, self.written_directly, "nor was its answer written by our serializer")
        self.ddb.meta.events.unregister("before-sign.dynamodb.Query", stock)
        self._both(request)
        self.assertEqual(2, self.fast, "the header holds for its own request only")

    @staticmethod
    def _table(name):
        from moto.dynamodb.models import dynamodb_backends
        return dynamodb_backends["123456789012"]["us-east-1"].tables[name]


if __name__ == "__main__":
    unittest.main()
