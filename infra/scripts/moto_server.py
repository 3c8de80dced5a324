"""moto_server for our tests, with one fix to moto 5.2.5's DynamoDB transactions.

moto backs up a table before a TransactWriteItems by deep-copying it once for every item of the transaction (a
100-item page write on a table of N items copies 100 × N items). Our sync writes are lease-fenced transactions, so the
suite spent most of its moto time and gigabytes of memory on those copies. Here each table is copied once per
transaction, which is all the rollback needs.

moto's rollback of a failed transaction puts those copies back, so a write that another request made meanwhile was
lost (two concurrent reclaims of one user, each a conditional transaction, left the stored user as neither wrote it).
DynamoDB isolates a transaction from other writes; here the writes run one at a time. Nothing else of moto changes.
"""
import copy
import sys
import threading

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models.table import Table
from moto.server import main

_transaction = threading.local()


class _CopyEachTableOncePerTransaction:
    """Stands in for the `copy` module inside moto's DynamoDB models; only table copies in a transaction are shared."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        copies = getattr(_transaction, "copies", None)
        if copies is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in copies:
            copies[id(value)] = copy.deepcopy(value, memo)
        return copies[id(value)]


_original_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items


def _transact_write_items(self, transact_items):
    _transaction.copies = {}
    try:
        return _original_transact_write_items(self, transact_items)
    finally:
        _transaction.copies = None


dynamodb_models.copy = _CopyEachTableOncePerTransaction()
dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items

# Re-entrant: a batch write or a transaction calls put_item and friends inside.
_writes = threading.RLock()


def _one_at_a_time(method):
    def write(self, *args, **kwargs):
        with _writes:
            return method(self, *args, **kwargs)
    return write


for _name in ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items", "execute_transaction"):
    setattr(dynamodb_models.DynamoDBBackend, _name, _one_at_a_time(getattr(dynamodb_models.DynamoDBBackend, _name)))

if __name__ == "__main__":
    sys.exit(main())
