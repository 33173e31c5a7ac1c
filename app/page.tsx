import { HealthView } from "@/components/health/health-view";

export default function HomePage() {
  return <HealthView />;
}
