"""moto_server for our tests, with one fix to moto 5.2.5's DynamoDB transactions.

moto backs up a table before a TransactWriteItems by deep-copying it once for every item of the transaction (a
100-item page write on a table of N items copies 100 × N items). Our sync writes are lease-fenced transactions, so the
suite spent most of its moto time and gigabytes of memory on those copies, and a large org's sync slowed down with the
size of the table. Here a transaction keeps only the items it names as they were, and a cancelled one puts those back:
all a rollback needs, at a cost independent of the table's size.

moto's rollback of a failed transaction puts those copies back, so a write that another request made meanwhile was
lost (two concurrent reclaims of one user, each a conditional transaction, left the stored user as neither wrote it).
DynamoDB isolates a transaction from other writes; here the writes run one at a time.

Emulator speed, not semantics (MOTO_FAST_WRITES, on unless set to 0; figure 2 runs both): moto spent about 1-2 ms an
item of a transaction on its own overhead, which DynamoDB does not have. Its item size check re-sized the whole item at
every attribute it added (quadratic in the attributes), sizing a nested value rebuilt it, and a condition expression's
text was parsed three times for every item of a transaction (once to validate, twice to check), and parsing a request
walked every attribute value member by member through the service model (half of what remained). Here an item keeps a
running total (ItemSizeTooLarge at the same attribute), sizes are computed without rebuilding, a condition is parsed
once per (text, names, values), and attribute values are parsed directly to the same parameters. Answers and stored
items are unchanged: infra/scripts/tests/test_moto_writes.py runs randomized writes through moto both ways and compares
each answer, every stored item and the parsed parameters.

moto answers a query on a global secondary index by sorting and reading every item of the table, so an index query
cost what a scan costs (the License page's listings, the dispatcher's sparse index). Here each table keeps its items
grouped by an index's partition key value, rebuilt after any write, and the query reads the queried group only, in
the same order, with the same conditions. Nothing else of moto changes.
"""
import copy
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

# Emulator speed, not semantics (on unless MOTO_FAST_WRITES=0; figure 2 measures both): see the module docstring.
FAST_WRITES = os.environ.get("MOTO_FAST_WRITES", "1") != "0"


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


def _item_init(self, hash_key, range_key, attrs):
    """moto's Item.__init__, same checks: its LimitedSizeDict re-sizes the whole item at every attribute it adds
    (quadratic in the attributes); here the running total is kept, and ItemSizeTooLarge raised at the same attribute."""
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    total = 0
    for key, value in attrs.items():
        attribute = DynamoType(value)
        total += bytesize(key) + attribute.size()
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
        key = (self.condition_expression, json.dumps(self.expression_attribute_names, sort_keys=True),
               json.dumps(self.expression_attribute_values, sort_keys=True))
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


def _attribute_value(parser, value):
    """What moto's JSON parser makes of an AttributeValue (members in the model's order, nulls and unknown names left
    out, blobs decoded), without looking up a handler for every member of every value."""
    if value is None:
        return None
    parsed = parser.MAP_TYPE()
    if len(value) == 1:
        # The usual case, one member: no need to look for the others in order.
        names = value.keys()
    else:
        names = [name for name in _ATTRIBUTE_VALUE_MEMBERS if value.get(name) is not None]
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


def use_fast_writes(enabled):
    """Installs (or takes out) the speed-ups above; the differential test runs moto both ways in one process."""
    for (owner, name), method in (_FAST if enabled else _STOCK).items():
        setattr(owner, name, method)


use_fast_writes(FAST_WRITES)

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
