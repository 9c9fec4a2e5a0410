"""A static picture of an ONNX graph, with no server and no system binary.

:func:`draw` lays a graph out in layers, top to bottom, with networkx and
draws it with matplotlib: graph inputs (green), operator nodes (blue),
initializers (grey, drawn apart or folded into the node that uses them),
graph outputs (orange), and edges labelled with the tensor's type and shape
where they are known. It is what :func:`onnxlearn.show` falls back to where
Netron cannot run (nbval, an exported HTML page, GitHub's preview), and it
saves to PNG or SVG.

Examples
--------
>>> from onnx import helper, TensorProto
>>> graph = helper.make_graph(
...     [helper.make_node("Relu", ["x"], ["y"], name="relu")], "tiny",
...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
>>> drawing = draw(helper.make_model(graph))
>>> drawing
<static drawing of graph 'tiny': 1 node>
>>> drawing.edge_labels
{('x', 'relu'): 'float[N,3]', ('relu', 'y'): 'float[N,3]'}
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

#: Above this many operator nodes, :func:`draw` keeps the first ones (in
#: topological order) and says how many it left out.
DEFAULT_MAX_NODES = 300
#: Above this many edges, edge labels are left out and arrows become lines.
_MAX_LABELLED_EDGES = 250

_COLORS = {"input": "#c7e9c0", "op": "#c6dbef", "init": "#e0e0e0",
           "output": "#fdd0a2", "outer": "#ffffff"}
# Positions are in inches: boxes are this far apart, and a text line is this tall.
_INCH_PER_COLUMN = 1.9
_INCH_PER_LINE = 8 * 1.25 / 72
_INCH_BOX_PADDING = 0.12
_INCH_BETWEEN_LAYERS = 0.5
_MAX_FIGURE_INCHES = (40.0, 120.0)


@dataclass
class _Node:
    key: str          # unique id in the drawing
    kind: str         # input, op, init, output or outer
    label: str
    lines: int = 1


@dataclass
class _Plan:
    """A graph ready to draw: nodes, edges, positions and notes."""

    title: str
    nodes: dict
    edges: list                     # (source key, target key, label or "")
    positions: dict = field(default_factory=dict)
    layers: int = 1
    layer_of: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    operator_count: int = 0
    initializer_count: int = 0
    subgraphs: list = field(default_factory=list)   # (title, GraphProto)

    @property
    def size(self) -> tuple:
        xs = [x for x, _ in self.positions.values()] or [0.0]
        ys = [y for _, y in self.positions.values()] or [0.0]
        width = min(max(4.0, max(xs) - min(xs) + _INCH_PER_COLUMN), _MAX_FIGURE_INCHES[0])
        height = min(max(2.0, max(ys) - min(ys) + 1.4), _MAX_FIGURE_INCHES[1])
        return width, height


class StaticDrawing:
    """A drawn graph: renders as PNG in notebooks and saves to PNG or SVG.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure, for further styling.
    graph_name : str
    operator_count : int
        Operator nodes in the main graph (drawn or not).
    notes : list of str
        What the drawing left out, if anything.
    node_labels : dict
        ``name -> text in its box`` for every drawn box: node names for
        operators, tensor names for inputs, outputs and initializers.
    edge_labels : dict
        ``(source, target) -> label`` for every drawn edge, named as in
        ``node_labels``; the label is the tensor's type and shape, if known.
    """

    def __init__(self, figure, graph_name: str, operator_count: int, notes=(),
                 edge_labels=None, description: str | None = None, node_labels=None):
        self.figure = figure
        self.graph_name = graph_name
        self.operator_count = operator_count
        self.notes = list(notes)
        self.edge_labels = dict(edge_labels or {})
        self.node_labels = dict(node_labels or {})
        self._description = description

    def __repr__(self) -> str:
        if self._description:
            return self._description
        plural = "" if self.operator_count == 1 else "s"
        text = (f"<static drawing of graph {self.graph_name!r}: "
                f"{self.operator_count} node{plural}>")
        return "\n".join([text, *self.notes])

    def to_bytes(self, format: str = "png") -> bytes:  # noqa: A002 - matplotlib's name
        """The drawing as PNG or SVG bytes."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format=format, bbox_inches="tight")
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.to_bytes("png")

    def save(self, path) -> Path:
        """Save to ``path``; the format follows its extension (.png or .svg).

        Raises
        ------
        InputMismatchError
            For another extension.
        """
        from .errors import InputMismatchError

        path = Path(path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix not in ("png", "svg"):
            raise InputMismatchError(
                "cannot save a drawing in this format", expected="a .png or .svg file name",
                given=repr(os.fspath(path)), fix="end the file name with .png or .svg")
        path.write_bytes(self.to_bytes(suffix))
        return path


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dtype_text(elem_type: int) -> str:
    import onnx

    if not elem_type:
        return "?"
    name = onnx.helper.tensor_dtype_to_np_dtype(elem_type).name
    return {"float32": "float", "object": "string"}.get(name, name)


def _shape_text(type_proto) -> str:
    """``float[N,4]`` for a tensor type; '' when nothing is known."""
    if not type_proto.HasField("tensor_type"):
        kind = type_proto.WhichOneof("value")
        return kind.replace("_type", "") if kind else ""
    tensor = type_proto.tensor_type
    dtype = _dtype_text(tensor.elem_type)
    if not tensor.HasField("shape"):
        return dtype
    dims = [str(d.dim_value) if d.HasField("dim_value")
            # "unk__3" is a name shape inference makes up for a dimension it cannot know
            else (d.dim_param if d.dim_param and not d.dim_param.startswith("unk__") else "?")
            for d in tensor.shape.dim]
    return f"{dtype}[{','.join(dims)}]"


def _tensor_types(graph, model) -> dict:
    """Tensor name -> type text, using shape inference where it succeeds."""
    import onnx

    inferred = graph
    if model is not None:
        try:
            inferred = onnx.shape_inference.infer_shapes(model).graph
        except Exception:  # noqa: BLE001 - a drawing must not fail on inference
            inferred = graph
    types = {}
    for value in [*inferred.value_info, *graph.input, *graph.output]:
        text = _shape_text(value.type)
        if text:
            types[value.name] = text
    for tensor in graph.initializer:
        types.setdefault(tensor.name,
                         f"{_dtype_text(tensor.data_type)}[{','.join(map(str, tensor.dims))}]")
    return types


def _op_key(node, index: int) -> str:
    return node.name or f"{node.op_type}_{index}"


def _plan(graph, model, *, initializers: str, max_nodes, subgraphs: str,
          title: str | None = None) -> _Plan:
    import networkx as nx

    types = _tensor_types(graph, model)
    initializer_names = {t.name: t for t in graph.initializer}
    input_names = [v.name for v in graph.input if v.name not in initializer_names]
    all_ops = list(graph.node)
    kept = all_ops if max_nodes is None else all_ops[:max_nodes]
    plan = _Plan(title=title or graph.name or "graph", nodes={}, edges=[],
                 operator_count=len(all_ops), initializer_count=len(initializer_names))
    if len(kept) < len(all_ops):
        plan.notes.append(
            f"Showing the first {len(kept)} of {len(all_ops)} operator nodes; "
            f"{len(all_ops) - len(kept)} left out. Pass max_nodes=None to draw them all, "
            "or use Netron (onnxlearn.show).")

    used_keys = set()

    def unique(key: str) -> str:
        candidate, suffix = key, 1
        while candidate in used_keys:
            suffix += 1
            candidate = f"{key}#{suffix}"
        used_keys.add(candidate)
        return candidate

    producer = {}
    for name in input_names:
        key = unique(f"input:{name}")
        plan.nodes[key] = _Node(key, "input", f"{_short(name)}\n{types.get(name, '')}".strip(), 2)
        producer[name] = key
    op_keys = []
    for index, node in enumerate(kept):
        key = unique(_op_key(node, index))
        op_keys.append(key)
        for output in node.output:
            if output:
                producer[output] = key

    def edge_label(name: str) -> str:
        return types.get(name, "")

    for key, node in zip(op_keys, kept, strict=True):
        lines = [node.op_type]
        if node.name and node.name != node.op_type:
            lines.append(_short(node.name))
        folded = []
        for name in node.input:
            if not name:
                continue
            if name in producer:
                plan.edges.append((producer[name], key, edge_label(name)))
            elif name in initializer_names:
                if initializers == "show":
                    init_key = f"init:{name}"
                    if init_key not in plan.nodes:
                        used_keys.add(init_key)
                        plan.nodes[init_key] = _Node(
                            init_key, "init", f"{_short(name)}\n{types.get(name, '')}", 2)
                    plan.edges.append((init_key, key, ""))
                elif initializers == "fold":
                    folded.append(f"{_short(name, 14)} {types.get(name, '')}")
            else:  # produced by a left-out node, or by an enclosing graph
                outer_key = f"outer:{name}"
                if outer_key not in plan.nodes:
                    used_keys.add(outer_key)
                    plan.nodes[outer_key] = _Node(outer_key, "outer", _short(name), 1)
                plan.edges.append((outer_key, key, edge_label(name)))
        if len(folded) > 2:
            folded = folded[:2] + [f"+{len(folded) - 2} more initializers"]
        lines += folded
        for attribute in node.attribute:
            bodies = list(attribute.graphs) or ([attribute.g] if attribute.HasField("g") else [])
            for body in bodies:
                lines.append(f"{attribute.name}: {len(body.node)} nodes")
                plan.subgraphs.append((f"{node.op_type} {key!r}: {attribute.name}", body))
        plan.nodes[key] = _Node(key, "op", "\n".join(lines), len(lines))

    for value in graph.output:
        if value.name not in producer:
            continue
        key = unique(f"output:{value.name}")
        plan.nodes[key] = _Node(
            key, "output", f"{_short(value.name)}\n{types.get(value.name, '')}".strip(), 2)
        plan.edges.append((producer[value.name], key, edge_label(value.name)))

    if not all_ops:
        plan.notes.append(f"Graph {plan.title!r} has no nodes.")
    if len(plan.edges) > _MAX_LABELLED_EDGES:
        plan.notes.append(f"Edge labels left out: {len(plan.edges)} edges are too many to label.")
    if plan.subgraphs and subgraphs == "summary":
        plan.notes.append(f"{len(plan.subgraphs)} subgraph(s) summarised in their node's label; "
                          "pass subgraphs='expand' to draw them.")

    merged: dict = {}  # one arrow per pair of boxes, listing every tensor it carries
    for source, target, label in plan.edges:
        labels = merged.setdefault((source, target), [])
        if label and label not in labels:
            labels.append(label)
    plan.edges = [(source, target, ", ".join(labels)) for (source, target), labels
                  in merged.items()]
    digraph = nx.DiGraph()
    digraph.add_nodes_from(plan.nodes)
    digraph.add_edges_from((source, target) for source, target, _ in plan.edges)
    _layout(plan, digraph)
    return plan


def _layout(plan: _Plan, digraph) -> None:
    """Layered top-to-bottom layout: longest-path layers, barycentre ordering."""
    import networkx as nx

    layer = {}
    for generation in nx.topological_generations(digraph):
        for key in generation:
            predecessors = list(digraph.predecessors(key))
            layer[key] = 1 + max((layer[p] for p in predecessors), default=-1)
    for key in digraph:  # pull sources (inputs, weights) down next to their first user
        successors = list(digraph.successors(key))
        if digraph.in_degree(key) == 0 and successors:
            layer[key] = max(0, min(layer[s] for s in successors) - 1)
    rows: dict = {}
    for key in digraph:  # insertion order: inputs, then nodes in graph order
        rows.setdefault(layer.get(key, 0), []).append(key)
    order = sorted(rows)
    x = {}

    def place(row):
        for index, key in enumerate(row):
            x[key] = index - (len(row) - 1) / 2

    for depth in order:
        place(rows[depth])
    for sweep in range(4):  # a few barycentre sweeps reduce crossings
        downward = sweep % 2 == 0
        for depth in (order[1:] if downward else order[-2::-1]):
            neighbours = digraph.predecessors if downward else digraph.successors

            def barycentre(key, neighbours=neighbours):
                around = [x[n] for n in neighbours(key)]
                return sum(around) / len(around) if around else x[key]

            rows[depth].sort(key=barycentre)
            place(rows[depth])
    top, y = 0.0, {}
    for depth in order:  # each layer as tall as its tallest box, plus room for arrows
        tallest = max(plan.nodes[key].lines for key in rows[depth])
        half = (tallest * _INCH_PER_LINE + _INCH_BOX_PADDING) / 2
        y[depth] = top - half
        top -= 2 * half + _INCH_BETWEEN_LAYERS
    plan.positions = {key: (x[key] * _INCH_PER_COLUMN, y[layer.get(key, 0)])
                      for key in digraph}
    plan.layer_of = {key: layer.get(key, 0) for key in digraph}
    plan.layers = len(order) or 1


def _render(plan: _Plan, ax) -> None:
    from matplotlib.collections import LineCollection

    ax.set_axis_off()
    ax.set_title(plan.title, fontsize=10)
    if not plan.nodes:
        ax.text(0.5, 0.5, f"graph {plan.title!r}\nhas no nodes, inputs or outputs",
                ha="center", va="center", transform=ax.transAxes, fontsize=9, color="#555555")
        return
    xs = [p[0] for p in plan.positions.values()]
    ys = [p[1] for p in plan.positions.values()]
    ax.set_xlim(min(xs) - _INCH_PER_COLUMN / 2, max(xs) + _INCH_PER_COLUMN / 2)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    font = 8

    def half_height(node: _Node) -> float:
        return (node.lines * _INCH_PER_LINE + _INCH_BOX_PADDING) / 2

    labelled = len(plan.edges) <= _MAX_LABELLED_EDGES
    segments = []
    for source, target, label in plan.edges:
        (x1, y1), (x2, y2) = plan.positions[source], plan.positions[target]
        start = (x1, y1 - half_height(plan.nodes[source]))
        end = (x2, y2 + half_height(plan.nodes[target]))
        skips = plan.layer_of[target] - plan.layer_of[source] > 1
        if labelled:
            # an arrow that skips layers bends, so it does not hide behind the boxes it passes
            ax.annotate("", xy=end, xytext=start, zorder=1,
                        arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 0.8,
                                    "shrinkA": 0, "shrinkB": 0, "mutation_scale": 8,
                                    "connectionstyle": f"arc3,rad={0.35 if skips else 0}"})
            if label:
                ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, label,
                        fontsize=6.5, color="#333333", ha="center", va="center", zorder=2,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                              "alpha": 0.8})
        else:
            segments.append([start, end])
    if segments:
        ax.add_collection(LineCollection(segments, colors="#777777", linewidths=0.5, zorder=1))
    for key, node in plan.nodes.items():
        px, py = plan.positions[key]
        style = "round,pad=0.3" if node.kind != "op" else "square,pad=0.3"
        ax.text(px, py, node.label, fontsize=font, ha="center", va="center", zorder=3,
                bbox={"boxstyle": style, "fc": _COLORS[node.kind],
                      "ec": "#444444" if node.kind != "outer" else "#999999",
                      "ls": "--" if node.kind == "outer" else "-", "lw": 0.8})


def _as_graph(model):
    """(GraphProto, ModelProto or None) from a path, bytes, ModelProto or GraphProto."""
    import onnx

    from .modelfile import load_model

    if isinstance(model, onnx.GraphProto):
        return model, None
    loaded = load_model(model, load_external_data=False)
    return loaded.graph, loaded


def draw(model, *, initializers: str = "fold", max_nodes: int | None = DEFAULT_MAX_NODES,
         subgraphs: str = "summary", title: str | None = None, ax=None,
         path=None) -> StaticDrawing:
    """Draw a model's graph as a static picture.

    Parameters
    ----------
    model : path-like, bytes, onnx.ModelProto or onnx.GraphProto
        The model (or a graph, such as the body of an ``If`` or ``Loop``).
    initializers : {"fold", "show", "hide"}, default "fold"
        "fold" lists each node's weights inside its box, "show" draws them
        as grey nodes of their own, "hide" leaves them out.
    max_nodes : int or None, default 300
        Draw at most this many operator nodes (the first ones in graph
        order) and add a note saying how many were left out. None draws all.
    subgraphs : {"summary", "expand"}, default "summary"
        "summary" names each body (``then_branch: 3 nodes``) in its node's
        label; "expand" also draws every body in a panel of its own.
    title : str, optional
        Defaults to the graph's name.
    ax : matplotlib.axes.Axes, optional
        Draw into these axes instead of a new figure.
    path : path-like, optional
        Also save the drawing there (.png or .svg).

    Returns
    -------
    StaticDrawing
        Renders as PNG in a notebook; ``.save(path)`` writes PNG or SVG.

    Raises
    ------
    ModelNotFoundError, ModelLoadError
        For a missing or non-ONNX model.
    InputMismatchError
        For an unknown ``initializers`` or ``subgraphs`` value, or a ``path``
        that is neither .png nor .svg.

    Examples
    --------
    >>> from onnx import helper, TensorProto, numpy_helper
    >>> import numpy as np
    >>> weights = numpy_helper.from_array(np.ones((3, 2), np.float32), "W")
    >>> graph = helper.make_graph(
    ...     [helper.make_node("MatMul", ["x", "W"], ["y"], name="matmul")], "linear",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [weights])
    >>> draw(helper.make_model(graph), initializers="show").edge_labels[("x", "matmul")]
    'float[N,3]'
    """
    from .errors import InputMismatchError

    for name, value, allowed in (("initializers", initializers, ("fold", "show", "hide")),
                                 ("subgraphs", subgraphs, ("summary", "expand"))):
        if value not in allowed:
            raise InputMismatchError(
                f"unknown {name} option", expected=" or ".join(map(repr, allowed)),
                given=repr(value), fix=f"pass {name}={allowed[0]!r}")
    if max_nodes is not None and max_nodes < 1:
        raise InputMismatchError("max_nodes must be positive", expected="an int >= 1 or None",
                                 given=repr(max_nodes), fix="pass max_nodes=None to draw all")
    graph, loaded = _as_graph(model)
    options = {"initializers": initializers, "max_nodes": max_nodes, "subgraphs": subgraphs}
    plans = [_plan(graph, loaded, title=title, **options)]
    if subgraphs == "expand":
        pending = list(plans[0].subgraphs)
        while pending and len(plans) < 13:
            body_title, body = pending.pop(0)
            plans.append(_plan(body, None, title=body_title, **options))
            pending.extend(plans[-1].subgraphs)
        if pending:
            plans[0].notes.append(f"{len(pending)} more subgraph(s) not drawn.")
    return _figure_for(plans, ax=ax, path=path)


def _figure_for(plans: list, *, ax=None, path=None, description=None) -> StaticDrawing:
    """Render one or more plans side by side into a new figure (or into ``ax``)."""
    from matplotlib.figure import Figure

    main = plans[0]
    notes = [note for plan in plans for note in plan.notes]
    if ax is not None:
        _render(main, ax)
        figure = ax.figure
    else:
        widths = [plan.size[0] for plan in plans]
        height = max(plan.size[1] for plan in plans) + (0.3 * len(notes) if notes else 0)
        figure = Figure(figsize=(min(sum(widths), 60.0), height), layout="constrained")
        axes = figure.subplots(1, len(plans), width_ratios=widths, squeeze=False)[0]
        for plan, axis in zip(plans, axes, strict=True):
            _render(plan, axis)
        if notes:
            figure.supxlabel("\n".join(notes), fontsize=8, color="#8a4b08")
    names = {key: (key.split(":", 1)[1] if key.split(":", 1)[0] in ("input", "output", "init",
                                                                     "outer") else key)
             for key in main.nodes}
    edge_labels = {(names[s], names[t]): label for s, t, label in main.edges}
    node_labels = {names[key]: node.label for key, node in main.nodes.items()}
    drawing = StaticDrawing(figure, main.title, main.operator_count, notes, edge_labels,
                            description, node_labels)
    if path is not None:
        drawing.save(path)
    return drawing


def draw_side_by_side(models, *, titles=None, **options) -> StaticDrawing:
    """Draw several models next to each other in one figure.

    Parameters
    ----------
    models : sequence of path-like, bytes, ModelProto or GraphProto
    titles : sequence of str, optional
        One per model; defaults to each graph's name.
    **options
        ``initializers`` and ``max_nodes``, as for :func:`draw`.

    Examples
    --------
    >>> from onnx import helper, TensorProto
    >>> def tiny(op):
    ...     return helper.make_model(helper.make_graph(
    ...         [helper.make_node(op, ["x"], ["y"])], op.lower(),
    ...         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    ...         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])]))
    >>> draw_side_by_side([tiny("Relu"), tiny("Sigmoid")])
    <static drawings side by side: 'relu' (1 node), 'sigmoid' (1 node)>
    """
    titles = list(titles) if titles is not None else [None] * len(models)
    plans = []
    for model, title in zip(models, titles, strict=True):
        graph, loaded = _as_graph(model)
        plans.append(_plan(graph, loaded, title=title,
                           initializers=options.get("initializers", "fold"),
                           max_nodes=options.get("max_nodes", DEFAULT_MAX_NODES),
                           subgraphs="summary"))
    parts = ", ".join(f"{plan.title!r} ({plan.operator_count} node"
                      f"{'' if plan.operator_count == 1 else 's'})" for plan in plans)
    return _figure_for(plans, description=f"<static drawings side by side: {parts}>")
