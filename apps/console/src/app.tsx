import { useEffect, useState } from 'preact/hooks';
import { apiKey, whenUnauthorised } from './api';
import { KeyPrompt } from './key-prompt';
import { EditorPage } from './pages/editor';
import { ExecutionPage } from './pages/execution';
import { SchedulePage } from './pages/schedule';
import { SchedulesPage } from './pages/schedules';
import { UpcomingPage } from './pages/upcoming';
import { BASE, onLinkClick, useRoute, type Route } from './router';

export function App() {
  const [hasKey, setHasKey] = useState(() => apiKey.get() !== null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const route = useRoute();
  useEffect(() => {
    whenUnauthorised((message) => {
      apiKey.clear();
      setRefusal(message);
      setHasKey(false);
    });
  }, []);
  useEffect(() => {
    document.title = `${titleOf(route)} · JIM Schedules console`;
  }, [route]);

  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href={`${BASE}/`}>JIM Schedules</a>
        {hasKey && (
          <nav aria-label="Main">
            <a href={`${BASE}/`} aria-current={route.page === 'schedules' ? 'page' : undefined}>Schedules</a>
            <a href={`${BASE}/upcoming`} aria-current={route.page === 'upcoming' ? 'page' : undefined}>Upcoming</a>
            <a href={`${BASE}/schedules/new`} aria-current={route.page === 'new' ? 'page' : undefined}>New schedule</a>
            <button
              type="button"
              class="link"
              onClick={() => {
                apiKey.clear();
                setRefusal(null);
                setHasKey(false);
              }}
            >
              Forget key
            </button>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {hasKey ? (
          <Page route={route} />
        ) : (
          <KeyPrompt
            refusal={refusal}
            onKey={(key) => {
              apiKey.set(key);
              setRefusal(null);
              setHasKey(true);
            }}
          />
        )}
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'schedules':
      return <SchedulesPage />;
    case 'upcoming':
      return <UpcomingPage />;
    case 'new':
      return <EditorPage key="new" />;
    case 'edit':
      return <EditorPage key={route.id} id={route.id} />;
    case 'schedule':
      return <SchedulePage key={route.id} id={route.id} />;
    case 'execution':
      return <ExecutionPage key={route.id} id={route.id} />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No console page here. <a href={`${BASE}/`}>Go to the schedules.</a>
          </p>
        </section>
      );
  }
}

function titleOf(route: Route): string {
  return { schedules: 'Schedules', upcoming: 'Upcoming', new: 'New schedule', edit: 'Edit schedule', schedule: 'Schedule', execution: 'Execution', missing: 'Not found' }[route.page];
}
