/**
 * `true` when A and B are the same type (each assignable to the other), else `false`: for
 * `true satisfies SameType<z.output<typeof Schema>, HandWritten>` beside a zod schema whose type is also
 * written by hand for the zod-free pane, so the two cannot drift apart unnoticed.
 */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
