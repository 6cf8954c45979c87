import { usePolling } from '../hooks/use-polling.ts';
import { getServicesHealth } from '../lib/microservices-api.ts';

/**
 * The microservices' health, polled every `intervalMs` (2 s unless told).
 *
 * @example
 * <ServicesHealthPanel intervalMs={10_000} />
 */
export function ServicesHealthPanel({ intervalMs = 2_000 }: { intervalMs?: number }) {
  const { data, error } = usePolling((signal) => getServicesHealth({ signal }), { intervalMs });
  return (
    <section className="panel" aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      {error ? <p className="problem">{error}</p> : null}
      {data ? (
        <ul className="services">
          {data.services.map((service) => (
            <li key={service.name}>
              <span className={`dot dot--${service.status}`} aria-hidden="true" /> {service.name} <small>v{service.version}</small>{' '}
              <span className="muted">
                {service.status} · {service.latency_ms} ms
              </span>
            </li>
          ))}
        </ul>
      ) : error ? null : (
        // Failed with none on screen: the problem says it all, "Checking…" would read as still loading.
        <p className="muted">Checking services…</p>
      )}
    </section>
  );
}
