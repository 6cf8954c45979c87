/** A live region's own role or aria-live, by the WAI-ARIA defaults: alert and status say their whole text. */
function liveRegion(element: Element): { atomic: boolean } | null {
  const live = element.getAttribute('aria-live');
  const role = element.getAttribute('role');
  if (live === 'off') return null;
  if (live === null && role !== 'alert' && role !== 'status' && role !== 'log' && element.tagName !== 'OUTPUT') return null;
  const atomic = element.getAttribute('aria-atomic');
  return { atomic: atomic === null ? role === 'alert' || role === 'status' || element.tagName === 'OUTPUT' : atomic === 'true' };
}

function closestRegion(node: Node | null): Element | null {
  for (let at = node instanceof Element ? node : (node?.parentElement ?? null); at; at = at.parentElement) {
    if (liveRegion(at)) return at;
  }
  return null;
}

const text = (node: Node) => (node.textContent ?? '').trim();

/**
 * What a screen reader reads out from the page's live regions, one entry each time: content added to a
 * region already on the page (its whole text if atomic, else the text added or changed), and an alert
 * inserted with its text. A status or aria-live region inserted with its text says nothing, as in most
 * screen readers, and removals say nothing (aria-relevant's default).
 *
 * @example
 * const heard = listenToLiveRegions();
 * ...
 * expect(heard.stop()).toEqual(['Credits: 24']);
 */
export function listenToLiveRegions(root: Node = document.body): { heard: string[]; stop: () => string[] } {
  const heard: string[] = [];
  const hear = (records: MutationRecord[]) => {
    const atomicSaid = new Set<Element>();
    for (const record of records) {
      const region = closestRegion(record.target);
      if (!region) {
        for (const added of record.addedNodes) {
          const alerts = added instanceof Element ? [added, ...added.querySelectorAll('[role=alert]')] : [];
          for (const alert of alerts) if (alert.getAttribute('role') === 'alert' && text(alert)) heard.push(text(alert));
        }
        continue;
      }
      const changed = record.type === 'characterData' ? [record.target] : [...record.addedNodes].filter((node) => text(node) !== '');
      if (changed.length === 0 || text(region) === '') continue;
      if (liveRegion(region)!.atomic) {
        if (!atomicSaid.has(region)) heard.push(text(region));
        atomicSaid.add(region);
      } else {
        for (const node of changed) if (text(node)) heard.push(text(node));
      }
    }
  };
  const observer = new MutationObserver(hear);
  observer.observe(root, { subtree: true, childList: true, characterData: true });
  return {
    heard,
    stop: () => {
      hear(observer.takeRecords());
      observer.disconnect();
      return heard;
    },
  };
}
