"""moto_server.py's garbage settling (a speed-up: after a write, once no request is under way, collect then freeze):
served over HTTP by werkzeug as `moto_server.py` serves it, on one kept-alive connection, the items a run stores end up
frozen (a full collection no longer walks them), and nothing a request left behind is frozen with them: unfrozen
again, the heap holds next to no garbage (freezing during a request kept its environ, Request and body, about 24
objects a request, forever). With the speed-ups off nothing is frozen.
Run: .venv/bin/python -m unittest discover -s infra/scripts/tests -v
"""
import gc
import http.client
import json
import logging
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import moto_server  # noqa: E402  (patches moto and werkzeug on import)
from moto.server import create_backend_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

TRANSACTIONS = 40
# werkzeug logs every request it serves.
logging.getLogger("werkzeug").setLevel(logging.ERROR)


class Served:
    """moto's DynamoDB app behind werkzeug's threaded server, as moto_server.py runs it, on a free port."""

    def __init__(self):
        self.server = make_server("127.0.0.1", 0, create_backend_app("dynamodb"), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)

    def call(self, operation, body):
        self.connection.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + operation,
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request,"
                             " SignedHeaders=host, Signature=x"})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def close(self):
        self.connection.close()
        self.server.shutdown()
        self.server.server_close()


def store_items(served, table):
    status, _ = served.call("CreateTable", {
        "TableName": table, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]})
    assert status == 200, status
    for n in range(TRANSACTIONS):
        items = [{"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(pk)",
                          "Item": {"pk": {"S": "p"}, "sk": {"S": "u%d-%d" % (n, i)}, "row": {"S": "x" * 300}}}}
                 for i in range(99)]
        status, _ = served.call("TransactWriteItems", {"TransactItems": items})
        assert status == 200, status
        if n % 4 == 0:
            # Cancelled (the items exist): an error answer, its exception and traceback, must not be kept either.
            status, answer = served.call("TransactWriteItems", {"TransactItems": items[:3]})
            assert status == 400 and "TransactionCanceledException" in answer["__type"], answer
    last = {"pk": {"S": "p"}, "sk": {"S": "u%d-98" % (TRANSACTIONS - 1)}}
    status, answer = served.call("GetItem", {"TableName": table, "Key": last})
    assert status == 200 and answer["Item"]["row"] == {"S": "x" * 300}, answer

class GarbageSettlingTest(unittest.TestCase):
    def setUp(self):
        gc.collect()
        gc.unfreeze()
        gc.collect()

    def tearDown(self):
        moto_server.use_speedups(moto_server.SPEEDUPS)
        gc.unfreeze()
        gc.collect()

    @staticmethod
    def served_writes(speedups, table):
        """A run of writes and reads over HTTP, moto's speed-ups on or off. Answers the closed server and client: the
        caller keeps them until it has counted garbage (theirs, frozen while they served, is not moto's)."""
        moto_server.use_speedups(speedups)
        served = Served()
        try:
            store_items(served, table)
        finally:
            served.close()
        return served

    def test_stored_items_are_frozen_and_no_request_garbage_is(self):
        served = self.served_writes(True, "settled")
        frozen = gc.get_freeze_count()
        # 40 x 99 stored items, each several objects: all frozen, left out of every full collection.
        self.assertGreater(frozen, TRANSACTIONS * 99 * 3)
        gc.unfreeze()
        left_behind = gc.collect()
        self.assertLess(left_behind, TRANSACTIONS, "objects of finished requests were frozen while alive")
        del served

    def test_nothing_is_frozen_without_the_speed_ups(self):
        self.served_writes(False, "stock")
        self.assertEqual(0, gc.get_freeze_count())


if __name__ == "__main__":
    unittest.main()
