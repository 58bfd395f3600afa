//! explain: the design-workshop handout (Markdown + Mermaid, or Graphviz dot).
