"""Drawing a journey: the shared palette and layout, the Graphviz flow diagram (DOT, SVG, PNG, PDF),
Mermaid text, and the journey-map canvas (SVG, PNG, PDF).

Everything here reads a :class:`~journeymap.journey.Journey` and writes pictures; nothing here changes
a journey. The public functions are reached from the top level (``jm.render_journey``,
``jm.render_canvas``, ``jm.journey_to_mermaid``, …); the modules:

- :mod:`journeymap.draw.layout`: where each stage, lane and touchpoint goes;
- :mod:`journeymap.draw.dot` and :mod:`journeymap.draw.render`: the flow diagram through Graphviz;
- :mod:`journeymap.draw.mermaid`: Mermaid ``journey`` and ``flowchart`` text;
- :mod:`journeymap.draw.canvas`: the journey-map canvas drawn with Matplotlib.
"""
