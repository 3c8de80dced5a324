"""moto_server for our tests, with one fix to moto 5.2.5's DynamoDB transactions.

moto backs up a table before a TransactWriteItems by deep-copying it once for every item of the transaction (a
100-item page write on a table of N items copies 100 × N items). Our sync writes are lease-fenced transactions, so the
suite spent most of its moto time and gigabytes of memory on those copies, and a large org's sync slowed down with the
size of the table. Here a transaction keeps only the items it names as they were, and a cancelled one puts those back:
all a rollback needs, at a cost independent of the table's size.

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


class _NoTableCopiesInATransaction:
    """Stands in for the `copy` module inside moto's DynamoDB models: inside a transaction a table is not copied (the
    transaction keeps its own items' previous state instead); everything else is copied as moto asks."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        if getattr(_transaction, "active", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


_original_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items


def _named_items(backend, transact_items):
    """(table name, key) of every item the transaction names, for the tables that exist."""
    named = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table_name = op.get("TableName")
        if not table_name or table_name not in backend.tables:
            continue
        table = backend.tables[table_name]
        if "Item" in op:
            attrs = op["Item"]
            key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs.get(table.range_key_attr)
        else:
            key = op.get("Key")
        if key and all(v is not None for v in key.values()):
            named.append((table_name, key))
    return named


def _transact_write_items(self, transact_items):
    before = []
    for table_name, key in _named_items(self, transact_items):
        try:
            current = self.get_item(table_name, key)
        except Exception:  # a malformed key: moto's own validation answers it below
            continue
        before.append((table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current is not None else None))
    _transaction.active = True
    try:
        return _original_transact_write_items(self, transact_items)
    except Exception:
        # Cancelled (or refused midway): every item the transaction named is put back as it was.
        for table_name, key, attrs in before:
            table = self.tables.get(table_name)
            if table is None:
                continue
            if attrs is None:
                hash_value, range_value = self.get_keys_value(table, key)
                if table.get_item(hash_value, range_value) is not None:
                    table.delete_item(hash_value, range_value)
            else:
                table.put_item(attrs)
        raise
    finally:
        _transaction.active = False


dynamodb_models.copy = _NoTableCopiesInATransaction()
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
