"""moto_server for our tests, with one fix to moto 5.2.5's DynamoDB transactions.

moto backs up a table before a TransactWriteItems by deep-copying it once for every item of the transaction (a
100-item page write on a table of N items copies 100 × N items). Our sync writes are lease-fenced transactions, so the
suite spent most of its moto time and gigabytes of memory on those copies. Here each table is copied once per
transaction, which is all the rollback needs.

moto's rollback of a failed transaction puts those copies back, so a write that another request made meanwhile was
lost (two concurrent reclaims of one user, each a conditional transaction, left the stored user as neither wrote it).
DynamoDB isolates a transaction from other writes; here the writes run one at a time.

moto answers a query on a global secondary index by sorting and reading every item of the table, so an index query
cost what a scan costs (the License page's listings, the dispatcher's sparse index). Here each table keeps its items
grouped by an index's partition key value, rebuilt after any write, and the query reads the queried group only, in
the same order, with the same conditions. Nothing else of moto changes.
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
# Writes so far: an index grouping built before the last write is stale.
_writes_done = [0]


def _one_at_a_time(method):
    def write(self, *args, **kwargs):
        with _writes:
            try:
                return method(self, *args, **kwargs)
            finally:
                _writes_done[0] += 1
    return write


for _name in ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items", "execute_transaction",
              "create_table", "delete_table", "update_table"):
    setattr(dynamodb_models.DynamoDBBackend, _name, _one_at_a_time(getattr(dynamodb_models.DynamoDBBackend, _name)))

_original_query = Table.query


def _query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
           projection_expressions, index_name=None, *args, hash_key_conditions=None, **kwargs):
    def original():
        return _original_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
                               projection_expressions, index_name, *args, hash_key_conditions=hash_key_conditions, **kwargs)
    index = next((i for i in (self.global_indexes or []) if i.name == index_name), None) if index_name else None
    if index is None or not hash_key_conditions or len(hash_key_conditions) != 1 or hash_key_conditions[0][1].type != "S":
        return original()
    attribute, value = hash_key_conditions[0]
    with _writes:
        groups = getattr(self, "_index_groups", None)
        if groups is None or groups[0] != _writes_done[0]:
            groups = (_writes_done[0], {})
            self._index_groups = groups
        by_value = groups[1].get(attribute)
        if by_value is None:
            by_value = {}
            for item in self.all_items():  # in moto's order, which each group keeps
                found = item.attrs.get(attribute)
                if found is not None and found.type == "S":
                    by_value.setdefault(found.value, []).append(item)
            groups[1][attribute] = by_value
        group = _Group(self, by_value.get(value.value, []))
        return _original_query(group, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
                               projection_expressions, index_name, *args, hash_key_conditions=hash_key_conditions, **kwargs)


class _Group:
    """The table as its query sees it: only the items of one index partition (other requests see the whole table)."""

    def __init__(self, table, items):
        self._table = table
        self._items = items

    def all_items(self):
        return list(self._items)

    def __getattr__(self, name):
        return getattr(self._table, name)


Table.query = _query

if __name__ == "__main__":
    sys.exit(main())
