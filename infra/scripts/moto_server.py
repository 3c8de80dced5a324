"""moto_server for our tests: moto 5.2.5 with fixes to its DynamoDB transactions, and DynamoDB-like query and write costs.

moto backs up a table before a TransactWriteItems by deep-copying it once for every item of the transaction (a
100-item page write on a table of N items copies 100 × N items). Our sync writes are lease-fenced transactions, so the
suite spent most of its moto time and gigabytes of memory on those copies, and a large org's sync slowed down with the
size of the table. Here a transaction keeps only the items it names as they were, and a cancelled one puts those back:
all a rollback needs, at a cost independent of the table's size.

moto's rollback of a failed transaction puts those copies back, so a write that another request made meanwhile was
lost (two concurrent reclaims of one user, each a conditional transaction, left the stored user as neither wrote it).
DynamoDB isolates a transaction from other writes; here the writes run one at a time.

Emulator speed, not semantics (MOTO_SPEEDUPS, on unless set to 0: then moto 5.2.5 with only the transaction fixes
above, every Query on moto's own path too; figure 2 runs both): moto spent about 1-2 ms an
item of a transaction on its own overhead, which DynamoDB does not have. Its item size check re-sized the whole item at
every attribute it added (quadratic in the attributes), sizing a nested value rebuilt it, and a condition expression's
text was parsed three times for every item of a transaction (once to validate, twice to check), and parsing a request
walked every attribute value member by member through the service model (half of what remained). Here an item keeps a
running total (ItemSizeTooLarge at the same attribute), an attribute's DynamoType tree is built and sized in one walk,
a condition is parsed once per (text, names, values), and attribute values are parsed directly to the same parameters
(a scalar to itself). Python's full collections walked every stored item, stopping moto for 100-200 ms several times a
10k-user sync: after a write, once no request is under way, garbage is collected and what lives on frozen
(test_moto_garbage.py). Answers and stored
items are unchanged: infra/scripts/tests/test_moto_writes.py runs randomized writes through moto both ways and compares
each answer, every stored item and the parsed parameters.

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
import gc
import json
import os
import sys
import threading

import moto.dynamodb.models as dynamodb_models
from moto.core.parse import JSONParser
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DDBType, DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.server import main
from werkzeug.serving import WSGIRequestHandler

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

# Emulator speed, not semantics (on unless MOTO_SPEEDUPS=0; figure 2 measures both): see the module docstring.
SPEEDUPS = os.environ.get("MOTO_SPEEDUPS", "1") != "0"


def _rewrapped_size(value):
    """The size of DynamoType(value) (what moto's DynamoType.size computes for a map's values), without building it."""
    if type(value) is DynamoType:
        kind, inner = value.type, value.value
    else:
        kind, inner = list(value)[0], list(value.values())[0]
    if kind == DDBType.LIST:
        return sum([_rewrapped_size(element) for element in inner])
    if kind == DDBType.MAP:
        return sum([bytesize(key) + _rewrapped_size(element) for key, element in inner.items()])
    return _scalar_size(kind, inner)


def _scalar_size(kind, value):
    if kind == DDBType.NUMBER:
        return len(str(value))
    if kind in (DDBType.STRING_SET, DDBType.NUMBER_SET, DDBType.BINARY_SET):
        return sum([_scalar_size(kind[0], element) for element in value])
    if isinstance(value, bool):
        return 1
    return bytesize(value)


def _size(self):
    """moto's DynamoType.size, same result: moto rebuilds every nested value (a DynamoType of a DynamoType) to size it."""
    if self.type == DDBType.LIST:
        return sum([element.size() for element in self.value])
    if self.type == DDBType.MAP:
        return sum([bytesize(key) + _rewrapped_size(element) for key, element in self.value.items()])
    return _scalar_size(self.type, self.value)


class _Unwrappable(Exception):
    """A value _wrapped_sized leaves to moto's own DynamoType (which answers it, or fails on it, its own way)."""


_new_object = object.__new__
_WRAPPED_AS_IS = frozenset((DDBType.STRING, DDBType.NUMBER, DDBType.BOOLEAN, DDBType.NULL, DDBType.BINARY))


def _wrapped_sized(value):
    """(DynamoType(value), its size()) in one walk of a parsed attribute value: moto builds the value's tree of DynamoTypes
    (two list copies of the dict a node) and then walks it again to size it, rebuilding every map member."""
    if type(value) is not dict or len(value) == 0:
        raise _Unwrappable
    for kind in value:
        break
    inner = value[kind]
    if kind == DDBType.LIST:
        if type(inner) is not list:
            raise _Unwrappable
        elements = []
        size = 0
        for element in inner:
            wrapped_element, element_size = _wrapped_sized(element)
            elements.append(wrapped_element)
            size += element_size
        inner = elements
    elif kind == DDBType.MAP:
        if type(inner) is not dict:
            raise _Unwrappable
        members = {}
        size = 0
        for key, element in inner.items():
            wrapped_element, element_size = _wrapped_sized(element)
            members[key] = wrapped_element
            size += (len(key) if key.isascii() else bytesize(key)) + element_size
        inner = members
    elif type(inner) is str and kind in _WRAPPED_AS_IS:
        # bytesize is the UTF-8 length: an ASCII text's length
        size = len(inner) if kind == DDBType.NUMBER or inner.isascii() else bytesize(inner)
    else:
        size = _scalar_size(kind, inner)
    wrapped = _new_object(DynamoType)
    wrapped.type = kind
    wrapped.value = inner
    return wrapped, size


def _item_init(self, hash_key, range_key, attrs):
    """moto's Item.__init__, same checks: its LimitedSizeDict re-sizes the whole item at every attribute it adds
    (quadratic in the attributes); here the running total is kept, and ItemSizeTooLarge raised at the same attribute."""
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    total = 0
    for key, value in attrs.items():
        try:
            attribute, size = _wrapped_sized(value)
        except Exception:  # what moto's DynamoType does not build as above: built (or refused) its own way
            attribute = DynamoType(value)
            size = attribute.size()
        total += (len(key) if key.isascii() else bytesize(key)) + size
        if total > _ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, attribute)


_ITEM_SIZE_LIMIT = 405000  # moto's LimitedSizeDict limit
_original_parse = ConditionExpressionParser.parse
# (expression, names, values) -> (the parsed condition, attribute names found, values found); bounded.
_parsed_conditions = {}


def _parse_once(self):
    """moto parses a condition expression text again for every item (three times for a transaction's put): the
    parsed tree only reads items, so one parse serves every use of the same text, names and values."""
    try:
        # repr, not a sorted JSON dump: cheaper, and the same texts, names and values give the same key (the other way
        # round, a differently ordered dict only misses the cache).
        key = (self.condition_expression, repr(self.expression_attribute_names), repr(self.expression_attribute_values))
    except (TypeError, ValueError):
        return _original_parse(self)
    parsed = _parsed_conditions.get(key)
    if parsed is None:
        names_before, values_before = len(self.expr_attr_names_found), len(self.expr_attr_values_found)
        condition = _original_parse(self)  # an invalid expression raises here, every time, and is not kept
        parsed = (condition, self.expr_attr_names_found[names_before:], self.expr_attr_values_found[values_before:])
        if len(_parsed_conditions) >= 4096:
            _parsed_conditions.clear()
        _parsed_conditions[key] = parsed
        return condition
    self.expr_attr_names_found.extend(parsed[1])
    self.expr_attr_values_found.extend(parsed[2])
    return parsed[0]


# DynamoDB's AttributeValue as moto's request parser sees it: member, its type, and its list member's or map value's type.
_ATTRIBUTE_VALUE = (("S", "string"), ("N", "string"), ("B", "blob"), ("SS", "list", "string"), ("NS", "list", "string"),
                    ("BS", "list", "blob"), ("M", "map", "string", "structure"), ("L", "list", "structure"),
                    ("NULL", "boolean"), ("BOOL", "boolean"))
_original_parse_structure = JSONParser._parse_structure
# id(shape) -> (shape, whether it is that AttributeValue); shapes live as long as moto's cached service models.
_attribute_value_shapes = {}


def _is_attribute_value(shape):
    known = _attribute_value_shapes.get(id(shape))
    if known is None:
        def described(member):
            inner = getattr(member, "member", None) or getattr(member, "key", None)
            value = getattr(member, "value", None)
            return tuple(t for t in (member.type_name, inner and inner.type_name, value and value.type_name) if t)
        matches = (shape.name == "AttributeValue" and not shape.is_document_type
                   and tuple((name,) + described(member) for name, member in shape.members.items()) == _ATTRIBUTE_VALUE
                   and shape.members["M"].value.name == "AttributeValue" and shape.members["L"].member.name == "AttributeValue")
        known = (shape, matches)
        _attribute_value_shapes[id(shape)] = known
    return known[1]


_ATTRIBUTE_VALUE_MEMBERS = tuple(member[0] for member in _ATTRIBUTE_VALUE)
# Members moto's parser takes as they are (no blob decoding, no nesting).
_SCALAR_MEMBERS = frozenset(("S", "N", "BOOL", "NULL"))


def _attribute_value(parser, value):
    """What moto's JSON parser makes of an AttributeValue (members in the model's order, nulls and unknown names left
    out, blobs decoded), without looking up a handler for every member of every value."""
    if value is None:
        return None
    if len(value) == 1:
        # The usual case, one member: no need to look for the others in order; a scalar is parsed to itself.
        for name in value:
            break
        if name in _SCALAR_MEMBERS and type(value) is dict and parser.MAP_TYPE is dict and value[name] is not None:
            return value
        names = (name,)
    else:
        names = [name for name in _ATTRIBUTE_VALUE_MEMBERS if value.get(name) is not None]
    parsed = parser.MAP_TYPE()
    for name in names:
        raw = value.get(name)
        if raw is None or name not in _ATTRIBUTE_VALUE_MEMBERS:
            continue
        if name == "M":
            parsed[name] = parser.MAP_TYPE([(key, _attribute_value(parser, element)) for key, element in raw.items()])
        elif name == "L":
            parsed[name] = [_attribute_value(parser, element) for element in raw]
        elif name == "B":
            parsed[name] = parser._blob_parser(raw)
        elif name == "BS":
            parsed[name] = [parser._blob_parser(element) for element in raw]
        elif name == "SS" or name == "NS":
            parsed[name] = [element for element in raw]
        else:
            parsed[name] = raw
    return parsed


def _parse_structure(self, shape, value):
    """moto's request parsing walks every attribute value member by member through the model (about half of a
    transaction's time once the above is gone); an AttributeValue is parsed directly, to the same result."""
    if _is_attribute_value(shape):
        return _attribute_value(self, value)
    return _original_parse_structure(self, shape, value)


_original_parse_map = JSONParser._parse_map


def _parse_map(self, shape, value):
    """An item (attribute name -> AttributeValue) parsed directly, to the same result as moto's parser."""
    if shape.key.type_name == "string" and not hasattr(self, "_parse_string") and _is_attribute_value(shape.value):
        return self.MAP_TYPE([(key, _attribute_value(self, element)) for key, element in value.items()])
    return _original_parse_map(self, shape, value)


_FAST = {(DynamoType, "size"): _size, (Item, "__init__"): _item_init, (ConditionExpressionParser, "parse"): _parse_once,
         (JSONParser, "_parse_structure"): _parse_structure, (JSONParser, "_parse_map"): _parse_map}
_STOCK = {(owner, name): getattr(owner, name) for owner, name in _FAST}


# The query path and the answer's JSON below are speed-ups too: off, every Query takes moto's own path.
_speedups_on = [SPEEDUPS]


def use_speedups(enabled):
    """Installs (or takes out) the speed-ups above and below; the differential tests run moto both ways in one process."""
    for (owner, name), method in (_FAST if enabled else _STOCK).items():
        setattr(owner, name, method)
    _speedups_on[0] = enabled


use_speedups(SPEEDUPS)

# Re-entrant: a batch write or a transaction calls put_item and friends inside.
_writes = threading.RLock()


def _one_at_a_time(method):
    def write(self, *args, **kwargs):
        with _writes:
            _unsettled[0] = True
            return method(self, *args, **kwargs)
    return write


# Python's cyclic collector walks every live object in a full collection: with a synced org's items in the tables
# (millions of objects) that stopped moto for 100-200 ms several times a large sync, at whatever request was under way
# (DynamoDB has no such pauses). Once no request is under way after a write, what is garbage is collected (a full
# collection walks only objects not frozen: those created since the last time) and what lives on (stored items,
# moto's state) is frozen, never walked again. Only then: a request's own objects hold cycles (its Request, its body),
# and frozen while alive they would never be collected (test_moto_garbage.py). Objects freed later are freed by their
# reference counts; what a cycle keeps among frozen objects (none of what moto stores) would stay.
_requests_lock = threading.Lock()
_requests_under_way = [0]
_unsettled = [False]
_original_run_wsgi = WSGIRequestHandler.run_wsgi


def _run_wsgi(self):
    with _requests_lock:
        _requests_under_way[0] += 1
    try:
        return _original_run_wsgi(self)
    finally:
        with _requests_lock:
            _requests_under_way[0] -= 1
            if _requests_under_way[0] == 0 and _unsettled[0] and _speedups_on[0]:
                _unsettled[0] = False
                gc.collect()
                gc.freeze()


WSGIRequestHandler.run_wsgi = _run_wsgi


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
        result = _original_handler_query(self)
        if _stock.active:
            # Its answer is written later, by moto's own serializer too (see _execute_result).
            result.stock_query = True
        return result
    finally:
        _stock.active = False


def _query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
           projection_expressions, index_name=None, consistent_read=False, filter_expression=None,
           hash_key_conditions=None, range_key_conditions=None, **filter_kwargs):
    with _writes:
        if getattr(_stock, "active", False) or not _speedups_on[0]:
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
    if (not _speedups_on[0] or getattr(self, "stock_query", False) or context.operation_model.name != "Query"
            or not isinstance(items, list) or not items
            or not all(isinstance(i, dict) and all(type(k) is str and _plain(v) for k, v in i.items()) for i in items)):
        return _original_execute_result(self, context)
    return _items_written_directly(result, items, context)


def _items_written_directly(result, items, context):
    """A Query's answer with its items written as the JSON they already are (moto's serializer walks each by shape)."""
    status, headers, body = _original_execute_result(DynamoResult({k: v for k, v in result.items() if k != "Items"}), context)
    answer = json.loads(body)
    answer["Items"] = items
    return status, headers, json.dumps(answer)


DynamoResult.execute_result = _execute_result

if __name__ == "__main__":
    sys.exit(main())
