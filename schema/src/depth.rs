//! How deeply a schema's types nest once references are followed.
//!
//! Named Avro types and JSON Schema `$ref`s let a short document describe a very deep structure
//! (a chain of 20,000 records, each holding the previous one). Every recursive walk over such a
//! schema would overflow the stack, so the parsers measure the depth here, without recursion,
//! and reject what is deeper than [`MAX_TYPE_DEPTH`].

/// The deepest nesting of types a schema may have, references followed. Real event schemas stay
/// far below it.
pub const MAX_TYPE_DEPTH: usize = 256;

/// The longest chain of nested nodes from `root`, a node already on the chain ending it (so
/// recursive types count once). Iterative: the depth of the input cannot overflow the stack.
pub(crate) fn nesting_depth(
    count: usize,
    root: usize,
    children: impl Fn(usize) -> Vec<usize>,
) -> usize {
    const UNVISITED: usize = usize::MAX;
    const ON_STACK: usize = usize::MAX - 1;
    let mut depth = vec![UNVISITED; count];
    // (node, its children, index of the next child to visit, deepest child so far)
    let mut stack: Vec<(usize, Vec<usize>, usize, usize)> = vec![(root, children(root), 0, 0)];
    depth[root] = ON_STACK;
    while let Some(top) = stack.last_mut() {
        if top.2 < top.1.len() {
            let child = top.1[top.2];
            top.2 += 1;
            match depth[child] {
                UNVISITED => {
                    depth[child] = ON_STACK;
                    let grandchildren = children(child);
                    stack.push((child, grandchildren, 0, 0));
                }
                ON_STACK => {}
                known => top.3 = top.3.max(known),
            }
        } else {
            let (node, _, _, deepest) = stack.pop().expect("the stack is not empty");
            depth[node] = deepest + 1;
            if let Some(parent) = stack.last_mut() {
                parent.3 = parent.3.max(deepest + 1);
            }
        }
    }
    depth[root]
}

#[cfg(test)]
mod tests {
    use super::nesting_depth;

    #[test]
    fn counts_chains_and_stops_at_cycles() {
        // 0 -> 1 -> 2, 2 -> 0 (a cycle), 0 -> 2
        let edges = [vec![1, 2], vec![2], vec![0]];
        assert_eq!(nesting_depth(3, 0, |n| edges[n].clone()), 3);
        let chain: Vec<Vec<usize>> = (0..100_000)
            .map(|i| if i + 1 < 100_000 { vec![i + 1] } else { vec![] })
            .collect();
        assert_eq!(nesting_depth(chain.len(), 0, |n| chain[n].clone()), 100_000);
    }
}
