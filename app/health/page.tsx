import { HealthView } from "@/components/health/health-view";

export default function HealthPage() {
  return <HealthView />;
}
