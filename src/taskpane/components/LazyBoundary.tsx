/**
 * Around every lazily loaded view: while its chunk downloads, a quiet fallback; if the download fails (the
 * network dropped, the server was redeployed), a short message with "Try again" instead of a pane that
 * goes blank. The rest of the pane — the flags, Save — keeps working.
 */
import { Button, MessageBar, MessageBarActions, MessageBarBody } from "@fluentui/react-components";
import { Component, type ReactNode, Suspense } from "react";
import { useTranslation } from "../i18n/react";
import { retryFailedViews } from "../lazy";

interface BoundaryState {
  readonly failed: boolean;
  readonly attempt: number;
}

interface BoundaryProps {
  readonly children: ReactNode;
  readonly fallback: ReactNode;
  readonly failure: (retry: () => void) => ReactNode;
}

class ChunkErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failed: false, attempt: 0 };

  static getDerivedStateFromError(): Partial<BoundaryState> {
    return { failed: true };
  }

  private readonly retry = () => {
    retryFailedViews();
    this.setState((s) => ({ failed: false, attempt: s.attempt + 1 }));
  };

  override render(): ReactNode {
    if (this.state.failed) return this.props.failure(this.retry);
    // A new key after "Try again" mounts the lazy view afresh, which downloads it again.
    return (
      <Suspense key={this.state.attempt} fallback={this.props.fallback}>
        {this.props.children}
      </Suspense>
    );
  }
}

/** The pane's last resort: an unexpected error shows a message and a reload, never a blank pane. */
export function PaneErrorBoundary({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <ChunkErrorBoundary
      fallback={null}
      failure={() => (
        <MessageBar intent="error" layout="multiline" data-testid="pane-crashed">
          <MessageBarBody>{t("status.crashed")}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => window.location.reload()}>{t("status.reload")}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
    >
      {children}
    </ChunkErrorBoundary>
  );
}

export function LazyBoundary({ children, fallback = null }: { children: ReactNode; fallback?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <ChunkErrorBoundary
      fallback={fallback}
      failure={(retry) => (
        <MessageBar intent="warning" data-testid="view-unavailable">
          <MessageBarBody>{t("status.viewUnavailable")}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={retry}>{t("actions.retry")}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
    >
      {children}
    </ChunkErrorBoundary>
  );
}
