import type { AuditFinding, Stateful } from './model.ts'

const STATEFUL_ORDER: Record<Stateful, number> = { yes: 0, unknown: 1, no: 2 }

/**
 * The order findings are shown in, most important first: declared singletons, then modules with
 * top-level state, then the most imported (the widest reach), then the most copies.
 */
export function compareByImportance(a: AuditFinding, b: AuditFinding): number {
  return (
    Number(b.declared) - Number(a.declared) ||
    STATEFUL_ORDER[a.stateful] - STATEFUL_ORDER[b.stateful] ||
    b.importerCount - a.importerCount ||
    b.copies.length - a.copies.length ||
    a.module.localeCompare(b.module)
  )
}
