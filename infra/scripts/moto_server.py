"""moto_server for our tests, with one fix to moto 5.2.5's DynamoDB transactions.

moto backs up a table before a TransactWriteItems by deep-copying it once for every item of the transaction (a
100-item page write on a table of N items copies 100 × N items). Our sync writes are lease-fenced transactions, so the
suite spent most of its moto time and gigabytes of memory on those copies, and a large org's sync slowed down with the
size of the table. Here a transaction keeps only the items it names as they were, and a cancelled one puts those back:
all a rollback needs, at a cost independent of the table's size.

moto's rollback of a failed transaction puts those copies back, so a write that another request made meanwhile was
lost (two concurrent reclaims of one user, each a conditional transaction, left the stored user as neither wrote it).
DynamoDB isolates a transaction from other writes; here the writes run one at a time.

moto answers every Query by collecting every matching item of the table (the base table: it walks all of them), sorting
them in Python and walking them to the ExclusiveStartKey, so a one-item query cost what a scan costs and an index page
what sorting its whole partition costs (the License page's listings on a 100k-user org: seconds a page). DynamoDB reads
only the key range. Here each table keeps, per (index or base table, partition key value), the partition's items in
moto's query order, cached until the next write to that table (writes to other tables keep it); a query bisects to its
ExclusiveStartKey and to its range-key condition, and moto's own `Table.query` is handed only the items its walk would
reach: the matching run cut at Limit, the next item (so LastEvaluatedKey comes out as moto's), and when the run ends
before Limit the largest item past it (the only one that can still trip moto's 1 MB rule). moto still evaluates the
conditions, filters, projections and LastEvaluatedKey; anything else (multi-attribute keys, keys not S or N, local
indexes, QueryFilter) takes moto's untouched path, as does a Query sent with the header X-Stock-Moto-Query (figure 8
times stock moto with it). A Query's items are written to the response as JSON directly (they already are in the wire
format) instead of through moto's shape-walking serializer, which cost about 4 ms an item of a License page row.
infra/scripts/tests/test_moto_query.py compares both paths' answers.
"""
import bisect
import copy
import json
import sys
import threading

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table
from moto.dynamodb.responses import DynamoHandler, DynamoResult
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

# moto's cap on one item (LimitedSizeDict refuses bigger ones).
_ITEM_SIZE_LIMIT = 405000
_KEY_TYPES = ("S", "N")
_RANGE_OPERATORS = {"=": "EQ", "EQ": "EQ", "<": "LT", "LT": "LT", "<=": "LE", "LE": "LE", ">": "GT", "GT": "GT",
                    ">=": "GE", "GE": "GE", "BEGINS_WITH": "BEGINS_WITH", "BETWEEN": "BETWEEN"}


class _Unhandled(Exception):
    """A query this module leaves to moto's own path."""


def _forget_partitions(table):
    if table is not None:
        table.__dict__.pop("_partitions", None)


def _invalidating(method):
    """A write through the table: its cached partitions are stale."""
    def write(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            _forget_partitions(self)
    return write


def _invalidating_by_name(method):
    """A backend call that changes a table's items in place (update_item edits the stored item) or its indexes."""
    def write(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            name = args[0] if args else kwargs.get("table_name", kwargs.get("name"))
            _forget_partitions(self.tables.get(name) if isinstance(name, str) else None)
    return write


Table.put_item = _invalidating(Table.put_item)
Table.delete_item = _invalidating(Table.delete_item)
for _name in ("update_item", "update_table", "update_table_global_indexes"):
    setattr(dynamodb_models.DynamoDBBackend, _name, _invalidating_by_name(getattr(dynamodb_models.DynamoDBBackend, _name)))


class _Partition:
    """One partition's items in moto's query order (ascending), with their sort keys as plain values: for S and N keys,
    comparing (type, value) pairs as moto does orders them exactly as comparing the values."""

    def __init__(self, items, sort_attrs):
        keyed = []
        for item in items:
            key = []
            for attr in sort_attrs:
                value = item.attrs[attr]
                if value.type not in _KEY_TYPES:
                    raise _Unhandled()
                key.append(value.cast_value)
            keyed.append((tuple(key), item))
        keyed.sort(key=lambda pair: pair[0])  # keys are unique: they include the table's key
        self.keys = [key for key, _ in keyed]
        self.items = [item for _, item in keyed]
        self.ranges = [key[1] for key in self.keys] if len(sort_attrs) > 1 else None


def _cached(table, index_name, value, members, sort_attrs):
    cache = table.__dict__.setdefault("_partitions", {})
    by_value = cache.setdefault(index_name, {})
    found = by_value.get(value)
    if found is None:
        found = by_value[value] = _Partition(members(), sort_attrs)
    return found


def _index_members(table, hash_attr, range_attr):
    """Every index partition of the table at once (one pass over the table), grouped by partition key value, kept
    until the next write: the items moto's query keeps (partition key equal, the index's range key present)."""
    groups = {}
    for hash_set in table.items.values():
        for item in (hash_set.values() if table.range_key_attr else (hash_set,)):
            value = item.attrs.get(hash_attr)
            if value is None or value.type not in _KEY_TYPES or (range_attr is not None and range_attr not in item.attrs):
                continue
            groups.setdefault(value, []).append(item)
    return groups


def _matching(ranges, comparison, range_objs):
    """Ascending positions [lo, hi) whose range key meets the key condition (each operator selects a contiguous run)."""
    if comparison is None:
        return 0, len(ranges) if ranges is not None else 0
    values = [v.cast_value for v in range_objs]
    if len(values) != (2 if comparison == "BETWEEN" else 1):
        raise _Unhandled()
    v = values[0]
    if comparison == "EQ":
        return bisect.bisect_left(ranges, v), bisect.bisect_right(ranges, v)
    if comparison == "LT":
        return 0, bisect.bisect_left(ranges, v)
    if comparison == "LE":
        return 0, bisect.bisect_right(ranges, v)
    if comparison == "GT":
        return bisect.bisect_right(ranges, v), len(ranges)
    if comparison == "GE":
        return bisect.bisect_left(ranges, v), len(ranges)
    if comparison == "BETWEEN":
        lo = bisect.bisect_left(ranges, v)
        return lo, max(lo, bisect.bisect_right(ranges, values[1]))
    if not isinstance(v, str) or any(not isinstance(r, str) for r in ranges[:1]):
        raise _Unhandled()
    lo = bisect.bisect_left(ranges, v)  # BEGINS_WITH: the strings that start with v follow v itself
    return lo, bisect.bisect_left(ranges, True, lo=lo, key=lambda r: not r.startswith(v))


def _window(table, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward, index_name,
            consistent_read, hash_key_conditions, range_key_conditions, filter_kwargs):
    """The items moto's query would walk for this request, or None when it is left to moto's own path. moto walks the
    partition in order from the ExclusiveStartKey, appends the items that meet the range condition until Limit or 1 MB,
    and sets LastEvaluatedKey when it meets one more item (any item) at that point: so it is handed the matching run
    from the start key, cut at Limit, plus the next item, plus (when the run ended before Limit) the largest item past
    it, the only one that can still trip the 1 MB rule."""
    if filter_kwargs or (limit is not None and (type(limit) is not int or limit < 1)):
        return None
    range_key_conditions = range_key_conditions or []
    if len(range_key_conditions) > 1:
        return None
    comparison = _RANGE_OPERATORS.get(range_comparison) if range_comparison else None
    if range_comparison and comparison is None:
        return None
    if index_name:
        index = next((i for i in (table.global_indexes or []) if i.name == index_name), None)
        if index is None or consistent_read:
            return None
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        if len(hashes) != 1 or len(ranges) > 1 or not hash_key_conditions or len(hash_key_conditions) != 1 \
                or hash_key_conditions[0][0] != hashes[0]:
            return None
        value = hash_key_conditions[0][1]
        if ranges:
            range_attrs = [ranges[0], table.range_key_attr]
        elif comparison:
            return None  # moto refuses a range condition on an index without a range key
        else:
            range_attrs = [table.range_key_attr or table.hash_key_attr, table.range_key_attr]
        compared = range_key_conditions[0][0] if range_key_conditions else range_attrs[0]
        sort_attrs = table._generate_attr_to_sort_by([hashes[0], table.hash_key_attr], range_attrs)
        range_attr = ranges[0] if ranges else None
        if value is None or value.type not in _KEY_TYPES:
            return None
        cache = table.__dict__.setdefault("_partitions", {})
        groups = cache.get(("members", index_name))
        if groups is None:
            groups = cache[("members", index_name)] = _index_members(table, hashes[0], range_attr)
        partition = _cached(table, index_name, value, lambda: groups.get(value, ()), sort_attrs)
    else:
        if hash_key is None or hash_key.type not in _KEY_TYPES:
            return None
        if table.range_key_attr is None:
            if comparison:
                return None
            found = table.items.get(hash_key)
            return [found] if found is not None else []  # at most one item: moto's walk of it is cheap
        value = hash_key
        compared = range_key_conditions[0][0] if range_key_conditions else table.range_key_attr
        sort_attrs = table._generate_attr_to_sort_by([table.hash_key_attr], [table.range_key_attr])
        partition = _cached(table, None, value, lambda: list(table.items.get(hash_key, {}).values()), sort_attrs)
    if comparison and (len(sort_attrs) < 2 or compared != sort_attrs[1]):
        return None

    items, n = partition.items, len(partition.items)
    start, end = 0, n  # ascending positions after the ExclusiveStartKey, in the walk's direction
    if exclusive_start_key is not None:
        if not isinstance(exclusive_start_key, dict) or any(a not in exclusive_start_key for a in sort_attrs):
            return None
        esk = [DynamoType(exclusive_start_key[a]) for a in sort_attrs]
        if any(v.type not in _KEY_TYPES for v in esk) or esk[0] != value:
            return None
        esk_key = tuple(v.cast_value for v in esk)
        if scan_index_forward is False:
            end = bisect.bisect_left(partition.keys, esk_key)
        else:
            start = bisect.bisect_right(partition.keys, esk_key)
    lo, hi = _matching(partition.ranges, comparison, range_objs)
    lo, hi = max(lo, start), min(hi, end)
    hi = max(lo, hi)
    taken = hi - lo if limit is None else min(limit, hi - lo)
    if scan_index_forward is False:
        window = items[hi - taken:hi]
        after = hi - taken - 1
        tail = range(start, after) if after >= start else range(0)
        if after >= start:
            window.append(items[after])
    else:
        window = items[lo:lo + taken]
        after = lo + taken
        tail = range(after + 1, end) if after < end else range(0)
        if after < end:
            window.append(items[after])
    if len(tail) and taken == hi - lo and (limit is None or taken < limit):
        matched = sum(item.size() for item in window[:taken])
        if matched + _ITEM_SIZE_LIMIT > RESULT_SIZE_LIMIT:
            window.append(items[max(tail, key=lambda i: items[i].size())])
    return window


# A Query sent with this header takes moto's untouched path: the benchmarks time what stock moto costs (figure 8).
STOCK_QUERY_HEADER = "X-Stock-Moto-Query"
_stock = threading.local()
_original_handler_query = DynamoHandler.query


def _handler_query(self):
    _stock.active = bool(self.headers.get(STOCK_QUERY_HEADER))
    try:
        return _original_handler_query(self)
    finally:
        _stock.active = False


def _query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
           projection_expressions, index_name=None, consistent_read=False, filter_expression=None,
           hash_key_conditions=None, range_key_conditions=None, **filter_kwargs):
    with _writes:
        if getattr(_stock, "active", False):
            return _original_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                                   scan_index_forward, projection_expressions, index_name, consistent_read,
                                   filter_expression, hash_key_conditions=hash_key_conditions,
                                   range_key_conditions=range_key_conditions, **filter_kwargs)
        try:
            window = _window(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                             scan_index_forward, index_name, consistent_read, hash_key_conditions, range_key_conditions,
                             filter_kwargs)
        except (_Unhandled, TypeError, AttributeError):  # odd keys or values: moto's own path answers (or refuses)
            window = None
        return _original_query(self if window is None else _Window(self, window), hash_key, range_comparison,
                               range_objs, limit, exclusive_start_key, scan_index_forward, projection_expressions,
                               index_name, consistent_read, filter_expression, hash_key_conditions=hash_key_conditions,
                               range_key_conditions=range_key_conditions, **filter_kwargs)


class _Window:
    """The table as its query sees it: only the items the query walks (other requests see the whole table)."""

    def __init__(self, table, items):
        self._table = table
        self._items = items

    def all_items(self):
        return list(self._items)

    def __getattr__(self, name):
        return getattr(self._table, name)


Table.query = _query
DynamoHandler.query = _handler_query

# moto serializes a response by walking botocore's shape of every value (each attribute of each item: about 4 ms an item
# of a License page row here), which dominated a page's time once a query read only its page. A Query's items are
# already in the wire format (moto's DynamoType JSON), so its answer is dumped as JSON and only the rest goes through
# the serializer: the same answer (test_moto_query.py compares both), unless an item holds a type this does not
# vouch for (binary), which takes the serializer.
_PLAIN_SCALARS = {"S": str, "N": str, "BOOL": bool, "NULL": bool}
_original_execute_result = DynamoResult.execute_result


def _plain(value):
    """An AttributeValue already as the JSON protocol writes it."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    kind, inner = next(iter(value.items()))
    if kind in _PLAIN_SCALARS:
        return type(inner) is _PLAIN_SCALARS[kind]
    if kind in ("SS", "NS"):
        return isinstance(inner, list) and all(type(v) is str for v in inner)
    if kind == "L":
        return isinstance(inner, list) and all(_plain(v) for v in inner)
    if kind == "M":
        return isinstance(inner, dict) and all(type(k) is str and _plain(v) for k, v in inner.items())
    return False


def _execute_result(self, context):
    result = self.result
    items = result.get("Items") if isinstance(result, dict) else None
    if (context.operation_model.name != "Query" or not isinstance(items, list) or not items
            or not all(isinstance(i, dict) and all(type(k) is str and _plain(v) for k, v in i.items()) for i in items)):
        return _original_execute_result(self, context)
    status, headers, body = _original_execute_result(DynamoResult({k: v for k, v in result.items() if k != "Items"}), context)
    answer = json.loads(body)
    answer["Items"] = items
    return status, headers, json.dumps(answer)


DynamoResult.execute_result = _execute_result

if __name__ == "__main__":
    sys.exit(main())
